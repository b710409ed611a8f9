import { spawnSync } from 'node:child_process';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stageFor, goneStages } = require('../../ci/feature-stages');

const root = path.resolve(__dirname, '../../..');

describe("a branch's feature stage", () => {
  it('is feature-, six letters or digits of the name and four of its hash', () => {
    expect(stageFor('feature/Login-Flow')).toMatch(/^feature-loginf[0-9a-f]{4}$/);
    expect(stageFor('feature/Login-Flow')).toBe(stageFor('feature/Login-Flow'));
    expect(stageFor('feature/login-flow-v2')).not.toBe(stageFor('feature/login-flow-v3'));
    expect(stageFor('feature/ñ_ñ')).toMatch(/^feature-[0-9a-f]{4}$/);
  });

  it('is one build.sh accepts, however long or odd the branch name', () => {
    for (const branch of ['feature/Login-Flow', 'FIX/JIRA-1234_some_very_long_description_of_the_change', 'x', 'feature/ñ_ñ']) {
      const stage = stageFor(branch);
      const refused = spawnSync(path.join(root, 'build.sh'), ['promote', '--stage', stage, '--service', 'search', '--artifact', 'none', '--dry-run'], { cwd: root, encoding: 'utf8' });
      expect(refused.stderr).toMatch(/the artifact is none/); // past the stage check, stopped by the next one
    }
  });

  it('is removed once no branch maps to it', () => {
    const branches = ['main', 'feature/login', 'feature/search'];
    expect(goneStages([stageFor('feature/login'), stageFor('feature/old'), stageFor('feature/search')], branches)).toEqual([stageFor('feature/old')]);
  });
});
