import path from 'node:path';
import { cacheDir } from '../../src/cache-dir';

// The print and bundle caches' place: the repository's .local/cache, unless LOCAL_CLOUD_CACHE_DIR
// names another (the start-up bench's fresh starts), read when asked, not when loaded.
describe('the cache directory', () => {
  const saved = process.env.LOCAL_CLOUD_CACHE_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOCAL_CLOUD_CACHE_DIR;
    else process.env.LOCAL_CLOUD_CACHE_DIR = saved;
  });

  it("is the repository's .local/cache/<kind> by default", () => {
    delete process.env.LOCAL_CLOUD_CACHE_DIR;
    expect(cacheDir('print')).toBe(path.resolve(__dirname, '../../../../.local/cache/print'));
  });

  it('is under LOCAL_CLOUD_CACHE_DIR when it is set', () => {
    process.env.LOCAL_CLOUD_CACHE_DIR = '/tmp/elsewhere';
    expect(cacheDir('esbuild')).toBe('/tmp/elsewhere/esbuild');
  });
});
