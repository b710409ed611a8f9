// Seeds name the config service's admin key by its variable; a name no serverless.yml declares is
// refused before any request, saying which project and which variable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { putConfigValue } from '../../src/seeds';

describe('putConfigValue', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seeds-'));
    fs.writeFileSync(path.join(dir, 'local-seeds.json'), JSON.stringify({ api: { path: '/config/{service}/{key}', apiKeyVariable: 'API_KEY_NOBODY_DECLARES' }, entries: [] }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses an admin key variable no serverless.yml declares, by name, before sending anything', async () => {
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string) => {
      sent.push(String(url));
      return new Response('{}', { status: 403 });
    }) as typeof fetch;
    try {
      const project = { name: 'config', dir };
      await expect(putConfigValue({ projects: [project], baseUrl: 'http://127.0.0.1:1', apiKeys: { API_KEY_CONFIG_ADMIN: 'k' }, service: 'feed', key: 'forward-to', value: 'off', log: () => {} })).rejects.toThrow(
        'config: local-seeds.json names API_KEY_NOBODY_DECLARES, which no serverless.yml declares',
      );
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(sent).toEqual([]);
  });
});
