import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localCloud } from '../../src/local-cloud';

describe('localCloud', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'yubl-endpoints-'));
  const saved = { ...process.env };
  beforeAll(() => writeFileSync(join(stateDir, 'endpoints.json'), JSON.stringify({ baseUrl: 'http://127.0.0.1:3000', apiKeys: { 'config-read': 'laptop-key' }, endpoints: { kms: 'http://127.0.0.1:3102' } })));
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('describes the running local cloud from its endpoints file', () => {
    delete process.env.TEST_BASE_URL;
    expect(localCloud(stateDir)).toMatchObject({ baseUrl: 'http://127.0.0.1:3000', apiKeys: { 'config-read': 'laptop-key' } });
  });

  it('lets TEST_BASE_URL win over a running local cloud, with the stage keys from the environment', () => {
    Object.assign(process.env, { TEST_BASE_URL: 'https://api.dev.example', TEST_STAGE: 'dev', API_KEY_CONFIG_READ: 'dev-read' });
    const cloud = localCloud(stateDir);
    expect(cloud).toMatchObject({ baseUrl: 'https://api.dev.example', stage: 'dev', apiKeys: { 'config-read': 'dev-read' } });
    expect(cloud.endpoints).toEqual({});
  });

  it('says how to start a cloud when none is running', () => {
    delete process.env.TEST_BASE_URL;
    expect(() => localCloud(join(stateDir, 'nothing-here'))).toThrow(/no local cloud is running .*\.\/build\.sh deploy --stage local --detach/);
  });
});
