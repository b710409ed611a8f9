import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedPrint, placeholderFor } from '../../src/print-cache';

describe('the serverless print cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'print-cache-'));
  const project = { name: `print-cache-test-${process.pid}`, dir };
  fs.writeFileSync(path.join(dir, 'serverless.yml'), 'service: x\nprovider:\n  environment:\n    KEY: ${env:API_KEY_X}\n    URL: ${env:API_BASE_URL}\n');
  const cacheDir = path.resolve(__dirname, '../../../../.local/cache/print');
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const file of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []) if (file.startsWith(`${project.name}-`)) fs.rmSync(path.join(cacheDir, file));
  });

  const printer = () => {
    const calls: Record<string, string>[] = [];
    return {
      calls,
      print: async (env: Record<string, string>) => {
        calls.push(env);
        return JSON.stringify({ provider: { environment: { KEY: env.API_KEY_X, URL: env.API_BASE_URL } } });
      },
    };
  };
  const options = (env: Record<string, string>) => ({ stage: 'cachetest', region: 'eu-west-1', env, perStart: ['API_KEY_X', 'API_BASE_URL'] });

  it('prints with placeholders for the per-start values, then answers from the cache with each start`s values put in', async () => {
    const first = printer();
    const a = await cachedPrint(project, { ...options({ API_KEY_X: 'k1"\\', API_BASE_URL: 'http://127.0.0.1:1' }), print: first.print });
    expect(a.cached).toBe(false);
    expect(first.calls[0]!.API_KEY_X).toBe(placeholderFor('API_KEY_X'));
    expect(a.config.provider.environment).toEqual({ KEY: 'k1"\\', URL: 'http://127.0.0.1:1' });
    const second = printer();
    const b = await cachedPrint(project, { ...options({ API_KEY_X: 'k2', API_BASE_URL: 'http://127.0.0.1:2' }), print: second.print });
    expect(b.cached).toBe(true);
    expect(second.calls).toHaveLength(0);
    expect(b.config.provider.environment).toEqual({ KEY: 'k2', URL: 'http://127.0.0.1:2' });
  });

  it('prints again when serverless.yml changes, or a value it reads that is not per start', async () => {
    const env = { API_KEY_X: 'k', API_BASE_URL: 'u' };
    await cachedPrint(project, { ...options(env), print: printer().print });
    fs.appendFileSync(path.join(dir, 'serverless.yml'), '# changed\n');
    expect((await cachedPrint(project, { ...options(env), print: printer().print })).cached).toBe(false);
    expect((await cachedPrint(project, { ...options({ ...env, OTHER: '1' }), print: printer().print })).cached).toBe(false);
    expect((await cachedPrint(project, { ...options({ ...env, OTHER: '1' }), print: printer().print })).cached).toBe(true);
  });
});
