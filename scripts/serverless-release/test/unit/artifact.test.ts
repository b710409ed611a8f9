import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { verifyArtifact, writeArtifact, sha256 } = require('../../artifact');

// Every temp dir the tests make, removed after.
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

// A package directory as the framework leaves it: serverless-state.json naming each function's zip.
function packageDir(functions: Record<string, string>): string {
  const dir = tempDir('yubl-package-');
  const state = { service: { service: 'svc', functions: Object.fromEntries(Object.keys(functions).map((key) => [key, { package: { artifact: `.serverless/${key}.zip` } }])) } };
  fs.writeFileSync(path.join(dir, 'serverless-state.json'), JSON.stringify(state));
  for (const [key, bytes] of Object.entries(functions)) fs.writeFileSync(path.join(dir, `${key}.zip`), bytes);
  return dir;
}

const artifactOf = (functions: Record<string, string>, generated = (_key: string) => false) => {
  const dir = path.join(tempDir('yubl-artifact-'), 'svc');
  const manifest = writeArtifact({ packageDir: packageDir(functions), dir, commit: 'abc123', dirty: false, project: 'services/svc', stage: 'prod', generated });
  return { dir, manifest };
};

describe('an artifact', () => {
  it("records each function's zip with its SHA-256 and size, and the commit", () => {
    const { dir, manifest } = artifactOf({ get: 'get bytes', put: 'put bytes' });
    expect(manifest).toMatchObject({ commit: 'abc123', service: 'svc', packagedFor: 'prod' });
    expect(manifest.zips['get.zip']).toEqual({ function: 'get', sha256: sha256(path.join(dir, 'get.zip')), bytes: 9 });
    expect(fs.readFileSync(path.join(dir, 'put.zip'), 'utf8')).toBe('put bytes');
    expect(verifyArtifact(dir).commit).toBe('abc123');
  });

  it('leaves out the functions a plugin generates per stage', () => {
    const { manifest } = artifactOf({ get: 'x', warmUpPluginDefault: 'y' }, (key) => key.startsWith('warmUp'));
    expect(Object.keys(manifest.zips)).toEqual(['get.zip']);
  });

  it('is refused when a zip differs from the manifest, is missing, or is not in it', () => {
    const { dir } = artifactOf({ get: 'get bytes', put: 'put bytes' });
    fs.writeFileSync(path.join(dir, 'get.zip'), 'get bytez');
    fs.rmSync(path.join(dir, 'put.zip'));
    fs.writeFileSync(path.join(dir, 'extra.zip'), 'who put this here');
    expect(() => verifyArtifact(dir)).toThrow(/refusing the artifact .* \(commit abc123\): get\.zip has SHA-256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}; put\.zip is missing; extra\.zip is not in the manifest/);
  });

  it('is refused when there is none', () => {
    expect(() => verifyArtifact(tempDir('yubl-empty-'))).toThrow(/no artifact at .*package it first/);
  });
});
