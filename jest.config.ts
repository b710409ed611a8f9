import type { Config } from 'jest';

// One Jest run, three levels. `./build.sh test unit|integration|acceptance` picks one with --selectProjects.
// unit: in process, no network. integration: in process against the local cloud's emulators.
// acceptance: from outside, through the gateway and the event sources (TEST_MODE=http), or in process.
const transform: Config['transform'] = { '^.+\\.(t|j)s$': ['@swc/jest', {}] };
// .stryker-tmp: the sandboxes of a mutation run (`./build.sh test mutation`), copies of the repo;
// rooted, because inside a sandbox the sandbox is the root.
const ignored = ['/node_modules/', '/\\.esbuild(-package)?/', '/\\.serverless/', '<rootDir>/\\.stryker-tmp/'];

const level = (name: string, timeout: number): NonNullable<Config['projects']>[number] => ({
  displayName: name,
  transform,
  testEnvironment: 'node',
  testMatch: [`<rootDir>/{libs,services,scripts}/**/test/${name}/**/*.test.ts`],
  testPathIgnorePatterns: ignored,
  // middy and jose ship ES modules only: let swc turn them into CommonJS like our own sources.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  modulePathIgnorePatterns: ['/\\.esbuild(-package)?/', '/\\.serverless/', '<rootDir>/\\.stryker-tmp/'],
  setupFilesAfterEnv: ['<rootDir>/libs/test-harness/src/jest-setup.ts'],
  slowTestThreshold: timeout / 4000,
});

const config: Config = {
  projects: [level('unit', 5_000), level('integration', 60_000), level('acceptance', 120_000)],
  testTimeout: 60_000,
};

export default config;
