import { readdirSync } from 'node:fs';
import type { Config } from 'jest';
import config from './jest.config';

// The unit level of jest.config.ts, alone, for Stryker's Jest runner (`./build.sh test mutation`).
// Two differences, both for Stryker's sandbox, a copy of the repo whose node_modules is the
// original's: the workspace packages' links would lead back to the unmutated sources, so
// @yubl/<lib> resolves to the sandbox's own libs/<lib>/src; and the bundle-size budget is left
// out, because it measures bytes, which Stryker's instrumentation multiplies.
type Project = Exclude<NonNullable<Config['projects']>[number], string>;
const unit = config.projects!.find((project): project is Project => typeof project === 'object' && project.displayName === 'unit')!;
const libs = readdirSync(`${__dirname}/libs`, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

const mutation: Config = {
  ...unit,
  rootDir: __dirname,
  testTimeout: config.testTimeout,
  testPathIgnorePatterns: [...((unit.testPathIgnorePatterns as string[] | undefined) ?? []), '/libs/lambda/test/unit/bundle-size\\.test\\.ts$'],
  moduleNameMapper: { [`^@yubl/(${libs.join('|')})$`]: '<rootDir>/libs/$1/src/index.ts' },
};

export default mutation;
