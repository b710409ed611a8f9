import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// ./build.sh package and promote --dry-run on a real project (search, the smallest with an API),
// in a store of the test's own: everything a promote does up to the one AWS call.
const root = path.resolve(__dirname, '../../../..');
const store = fs.mkdtempSync(path.join(os.tmpdir(), 'yubl-artifacts-'));
const env = { ...process.env, YUBL_ARTIFACT_STORE: store, YUBL_ARTIFACT_BUCKET: '' };
const buildSh = (...args: string[]) => spawnSync(path.join(root, 'build.sh'), args, { cwd: root, env, encoding: 'utf8' });
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let artifact: string;
let built: Record<string, Buffer>; // the zips as the package left them in .serverless/
beforeAll(() => {
  const packaged = buildSh('package', '--stage', 'prod', '--service', 'search');
  expect({ status: packaged.status, stderr: packaged.stderr }).toMatchObject({ status: 0 });
  artifact = path.join(store, fs.readdirSync(store)[0]!, 'search');
  const dir = path.join(root, 'services/search/.serverless');
  built = Object.fromEntries(fs.readdirSync(dir).filter((n) => n.endsWith('.zip')).map((n) => [n, fs.readFileSync(path.join(dir, n))]));
}, 120_000);
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

// What a stage's pinned package deploys: per function, the zip file and the SHA-256 its template carries.
function deployed(stage: string) {
  const dir = path.join(root, '.local/promote', stage, 'search');
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'serverless-state.json'), 'utf8'));
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  const versions = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Version');
  return Object.fromEntries(
    Object.entries<any>(state.service.functions)
      .filter(([key]) => !key.startsWith('warmUpPlugin'))
      .map(([key, fn]) => {
        const version = versions.find((v) => v.Properties.FunctionName.Ref === `${key.replace(/-/g, 'Dash').replace(/^./, (c) => c.toUpperCase())}LambdaFunction`);
        return [key, { zip: fn.package.artifact, sha256: sha256(fn.package.artifact), template: Buffer.from(version.Properties.CodeSha256, 'base64').toString('hex') }];
      }),
  );
}

describe('./build.sh promote', () => {
  it('deploys to prod, byte for byte, the zips it deploys to staging: the ones the package built, as the manifest records them', () => {
    for (const stage of ['staging', 'prod']) {
      const promoted = buildSh('promote', '--stage', stage, '--service', 'search', '--dry-run');
      expect({ status: promoted.status, stderr: promoted.stderr }).toMatchObject({ status: 0 });
      expect(promoted.stdout).toMatch(new RegExp(`search-${stage}-search +search\\.zip +sha256 [0-9a-f]{64} +\\(artifact `));
    }
    const staging = deployed('staging');
    const prod = deployed('prod');
    expect(Object.keys(prod).sort()).toEqual(['index-user', 'pre-traffic', 'search']);
    expect(prod).toEqual(staging);
    const manifest = JSON.parse(fs.readFileSync(path.join(artifact, 'manifest.json'), 'utf8'));
    for (const [key, { zip, sha256: bytes, template }] of Object.entries(prod)) {
      expect(path.dirname(zip)).toBe(artifact);
      expect(template).toBe(bytes);
      expect(manifest.zips[path.basename(zip)]).toMatchObject({ function: key, sha256: bytes });
      expect(fs.readFileSync(zip).equals(built[path.basename(zip)]!)).toBe(true);
    }
  }, 120_000);

  it('refuses a tampered artifact, naming the zip, whether build.sh or the framework reads it', () => {
    const zip = path.join(artifact, 'search.zip');
    const original = fs.readFileSync(zip);
    try {
      const tampered = Buffer.from(original);
      tampered[tampered.length - 1]! ^= 1;
      fs.writeFileSync(zip, tampered);
      const promoted = buildSh('promote', '--stage', 'prod', '--service', 'search', '--dry-run');
      expect(promoted.status).not.toBe(0);
      expect(promoted.stderr).toMatch(/refusing the artifact at .*search \(commit [0-9a-f]{40}(-dirty)?\): search\.zip has SHA-256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/);
      expect(promoted.stderr).toMatch(/not promoting services\/search to prod/);
      expect(promoted.stdout).not.toMatch(/would deploy/);
      // The deploy itself (sls deploy with the artifact pinned) refuses it too, before packaging anything.
      const framework = spawnSync(process.execPath, [path.join(root, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'prod', '--package', path.join(store, 'refused-package')], {
        cwd: path.join(root, 'services/search'), env: { ...env, YUBL_RELEASE_ARTIFACT: artifact, YUBL_ESBUILD_WORK_FOLDER: '.esbuild-package' }, encoding: 'utf8',
      });
      expect(framework.status).not.toBe(0);
      expect(framework.stdout + framework.stderr).toMatch(/search\.zip has SHA-256 [0-9a-f]{64}, the manifest says/);
    } finally {
      fs.writeFileSync(zip, original);
    }
  }, 120_000);

  it('refuses an artifact of other sources, and stages that are not feature-<short name>', () => {
    expect(buildSh('promote', '--stage', 'prod', '--service', 'search', '--artifact', '0000000', '--dry-run').stderr).toMatch(/the artifact is 0000000, the sources here are [0-9a-f]{40}/);
    for (const stage of ['feature-UPPER', 'feature-abcdefghijk', 'feature-', 'feature-a_b', 'feature-ab-', 'qa']) {
      const refused = buildSh('promote', '--stage', stage, '--dry-run');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(stage === 'qa' ? /unknown stage 'qa'/ : /bad feature stage/);
    }
  });
});
