import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { createBundleCache } from '../../src/bundle-cache';

// The real esbuild over a small project of its own: what it builds, what the cache hands back
// instead, and when it must build again.
describe('the bundle cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-cache-'));
  const cacheDir = path.join(dir, 'cache');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'src', 'lib'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"bundle-cache-fixture","private":true}');
  fs.writeFileSync(path.join(dir, 'src', 'handler.ts'), "import { greeting } from './lib/greeting';\nexport const handler = () => greeting('you');\n");
  fs.writeFileSync(path.join(dir, 'src', 'lib', 'greeting.ts'), 'export const greeting = (name: string): string => `hello ${name}`;\n');

  /** The cache over an esbuild that counts the builds it really runs. */
  const counted = () => {
    const runs: string[] = [];
    const counting = {
      version: esbuild.version,
      build: (options: esbuild.BuildOptions) => {
        runs.push('build');
        return esbuild.build(options);
      },
      context: async (options: esbuild.BuildOptions) => {
        runs.push('context');
        return esbuild.context(options);
      },
    };
    return { runs, cache: createBundleCache(counting, { cacheDir }) };
  };
  const options = (outdir: string): esbuild.BuildOptions => ({
    entryPoints: ['src/handler.ts'],
    absWorkingDir: dir,
    outdir: path.join(dir, outdir),
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
  });
  const output = (outdir: string) => fs.readFileSync(path.join(dir, outdir, 'handler.js'), 'utf8');
  const rebuildOnce = async (cache: ReturnType<typeof counted>['cache'], outdir: string) => {
    const context = await cache.context(options(outdir));
    const result = await context.rebuild();
    await context.dispose();
    return result;
  };

  it('builds once, then hands back the same bytes while the sources are unchanged, into any output folder', async () => {
    const first = counted();
    const built = await rebuildOnce(first.cache, 'out-a');
    expect(first.runs).toEqual(['context']);
    expect(built.errors).toEqual([]);
    expect(built.metafile).toBeUndefined(); // not asked for
    const bytes = output('out-a');
    expect(bytes).toContain('hello');

    const second = counted();
    fs.rmSync(path.join(dir, 'out-a'), { recursive: true });
    await rebuildOnce(second.cache, 'out-a');
    await second.cache.build(options('out-b')); // another work folder (a package beside the local cloud)
    expect(second.runs).toEqual([]);
    expect(output('out-a')).toBe(bytes);
    expect(output('out-b')).toBe(bytes);
  });

  it('builds again when an input file changes, and when a file appears beside an input', async () => {
    const greeting = path.join(dir, 'src', 'lib', 'greeting.ts');
    fs.writeFileSync(greeting, 'export const greeting = (name: string): string => `good day ${name}`;\n');
    const changed = counted();
    await rebuildOnce(changed.cache, 'out-a');
    expect(changed.runs).toEqual(['context']);
    expect(output('out-a')).toContain('good day');

    // src/lib/greeting.js would now be found first for './lib/greeting' by some resolvers: a new
    // file in an input's directory is a change of what the build may read.
    fs.writeFileSync(path.join(dir, 'src', 'lib', 'README.md'), 'notes');
    const appeared = counted();
    await rebuildOnce(appeared.cache, 'out-a');
    expect(appeared.runs).toEqual(['context']);

    const unchanged = counted();
    await rebuildOnce(unchanged.cache, 'out-a');
    expect(unchanged.runs).toEqual([]);
  });

  it('builds again when the options change, and every later rebuild of a context is esbuild`s own', async () => {
    const otherOptions = counted();
    await otherOptions.cache.build({ ...options('out-a'), minify: false });
    expect(otherOptions.runs).toEqual(['build']);
    expect(output('out-a')).toContain('good day');

    const watching = counted();
    const context = await watching.cache.context(options('out-a'));
    await context.rebuild(); // from the cache
    expect(watching.runs).toEqual([]);
    fs.writeFileSync(path.join(dir, 'src', 'lib', 'greeting.ts'), 'export const greeting = (name: string): string => `hi ${name}`;\n');
    await context.rebuild(); // a watcher saw a change
    await context.dispose();
    expect(watching.runs).toEqual(['context']);
    expect(output('out-a')).toContain('hi ');
  });

  it('never caches a build with esbuild plugins (their behaviour has no key)', async () => {
    const withPlugin = counted();
    const plugin: esbuild.Plugin = { name: 'noop', setup: () => {} };
    await withPlugin.cache.build({ ...options('out-c'), plugins: [plugin] });
    await withPlugin.cache.build({ ...options('out-c'), plugins: [plugin] });
    expect(withPlugin.runs).toEqual(['build', 'build']);
  });
});
