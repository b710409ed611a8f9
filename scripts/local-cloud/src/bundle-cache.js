// @ts-check
'use strict';

// esbuild's output, kept while nothing it was built from changed. serverless-esbuild bundles every
// function each time the framework starts (each serverless-offline, each `serverless package`),
// though a bundle changes only with its sources: seconds of CPU per service on every start.
// This wraps the esbuild module serverless-esbuild loads (install(), from a process's preload):
// a build whose recipe (esbuild's version, its options, the working directory, the lock file) was
// built before, and whose inputs — each file esbuild's metafile listed, by content, with the
// listing of its directory and its nearest package.json — are unchanged, gets the stored output
// files written where esbuild would write them, byte for byte what it wrote; any other build runs
// esbuild and stores what it wrote. The outputs are stored relative to the output folder, so that
// a bundle built by a package (.esbuild-package) serves the local cloud (.esbuild) and the other
// stages. After the first build of a context (serverless-esbuild's watcher rebuilding on a change)
// every rebuild is esbuild's own.
// Limits: a build with esbuild plugins is never cached (a plugin's behaviour has no key); a new
// file that changes how an import resolves is seen only in a directory that held an input.
// Delete .local/cache/esbuild to force fresh bundles; LOCAL_CLOUD_BUNDLE_CACHE=off bypasses it.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { cacheDir } = require('./cache-dir');
const { writeAtomically } = require('./write-atomically');

const root = path.resolve(__dirname, '../../..');
const defaultCacheDir = cacheDir('esbuild');

const sha256 = (/** @type {string | Buffer} */ data) => crypto.createHash('sha256').update(data).digest('hex');

// The entries of one service share most of their inputs: each file is read and hashed once per
// process while its stat (inode, size, modification time) stays the same.
/** @type {Map<string, string | undefined>} */
const memo = new Map();
/** @param {string} kind @param {string} file @param {() => string | undefined} compute */
function remembered(kind, file, compute) {
  let stamp = 'absent';
  try {
    const stat = fs.statSync(file, { bigint: true });
    stamp = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    // absent: computed as such
  }
  const key = `${kind}\0${file}\0${stamp}`;
  if (!memo.has(key)) memo.set(key, compute());
  return memo.get(key);
}

/** @param {string} file @returns {string} */
const contentHash = (file) => /** @type {string} */ (remembered('file', file, () => {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return 'absent';
  }
}));

/** @param {string} dir @returns {string} */
const listingHash = (dir) => /** @type {string} */ (remembered('dir', dir, () => {
  try {
    return sha256(fs.readdirSync(dir).sort().join('\n'));
  } catch {
    return 'absent';
  }
}));

/** The nearest package.json above `dir` (inclusive), or undefined. @param {string} dir @returns {string | undefined} */
function nearestPackageJson(dir) {
  return remembered('package', dir, () => {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    return path.dirname(dir) === dir ? undefined : nearestPackageJson(path.dirname(dir));
  });
}

/**
 * What a build's inputs are now: each input file's content, each of their directories' listings,
 * each nearest package.json's content. `inputs` are the metafile's paths, relative to `cwd`.
 * @param {string} cwd
 * @param {string[]} inputs
 * @returns {Record<string, string>}
 */
function inputState(cwd, inputs) {
  /** @type {Record<string, string>} */
  const state = {};
  const dirs = new Set();
  for (const input of inputs) {
    // Inputs in a namespace of esbuild's own ("(disabled):fs") are no files: their name is their state.
    if (/^\(?[a-z-]+\)?:/.test(input)) {
      state[`virtual:${input}`] = input;
      continue;
    }
    const file = path.resolve(cwd, input);
    state[`file:${input}`] = contentHash(file);
    dirs.add(path.dirname(file));
  }
  for (const dir of dirs) {
    state[`dir:${path.relative(cwd, dir)}`] = listingHash(dir);
    const pkg = nearestPackageJson(dir);
    if (pkg) state[`package:${path.relative(cwd, pkg)}`] = contentHash(pkg);
  }
  return state;
}

/**
 * A build's recipe key, or undefined when the build cannot be cached (plugins; no output folder).
 * @param {any} options esbuild's build options
 * @param {string} esbuildVersion
 */
function recipeKey(options, esbuildVersion) {
  if (!options || (options.plugins && options.plugins.length > 0) || !options.outdir || options.write === false) return undefined;
  const cwd = options.absWorkingDir ?? process.cwd();
  // Not in the recipe: where the output goes (outputs are stored relative to it), the (empty) plugins, the metafile asked for.
  const rest = { ...options };
  for (const name of ['outdir', 'plugins', 'metafile']) delete rest[name];
  // Source maps name paths relative to the output folder: there it belongs to the recipe.
  const place = rest.sourcemap ? { outdir: path.resolve(cwd, options.outdir) } : {};
  return sha256(JSON.stringify({ esbuildVersion, cwd, lock: contentHash(path.join(root, 'package-lock.json')), options: sortKeys({ ...rest, ...place }) }));
}

/** @param {any} value @returns {any} */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  return value;
}

/**
 * @typedef {{inputs: Record<string, string>, outputs: Record<string, string>}} Manifest
 *   inputs: inputState() when built; outputs: each output file (relative to outdir) -> its sha256
 */

/**
 * The cache over one esbuild module.
 * @param {any} esbuild the esbuild module (build, context, version)
 * @param {{cacheDir?: string, log?: (line: string) => void}} [settings]
 */
function createBundleCache(esbuild, { cacheDir = defaultCacheDir, log = () => {} } = {}) {
  const manifestFile = (/** @type {string} */ key) => path.join(cacheDir, `${key}.json`);
  const blobFile = (/** @type {string} */ hash) => path.join(cacheDir, 'blobs', hash);

  /**
   * The stored outputs written to the build's output folder, if the recipe was built from inputs
   * that are unchanged. Resolves true when it did so.
   * @param {any} options
   * @param {string} key
   */
  function restore(options, key) {
    /** @type {Manifest} */
    let manifest;
    try {
      manifest = JSON.parse(fs.readFileSync(manifestFile(key), 'utf8'));
    } catch {
      return false;
    }
    const cwd = options.absWorkingDir ?? process.cwd();
    const inputs = Object.keys(manifest.inputs).filter((name) => name.startsWith('file:') || name.startsWith('virtual:')).map((name) => name.slice(name.indexOf(':') + 1));
    const now = inputState(cwd, inputs);
    const changed = Object.keys({ ...manifest.inputs, ...now }).find((name) => manifest.inputs[name] !== now[name]);
    if (changed) return false;
    const outdir = path.resolve(cwd, options.outdir);
    for (const hash of Object.values(manifest.outputs)) if (!fs.existsSync(blobFile(hash))) return false;
    for (const [output, hash] of Object.entries(manifest.outputs)) {
      const target = path.join(outdir, output);
      if (contentHash(target) === hash) continue;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(blobFile(hash), target);
    }
    return true;
  }

  /**
   * Stores what a build wrote, from its metafile.
   * @param {any} options
   * @param {string} key
   * @param {any} metafile
   */
  function store(options, key, metafile) {
    const cwd = options.absWorkingDir ?? process.cwd();
    const outdir = path.resolve(cwd, options.outdir);
    /** @type {Record<string, string>} */
    const outputs = {};
    for (const output of Object.keys(metafile.outputs)) {
      const data = fs.readFileSync(path.resolve(cwd, output));
      const hash = sha256(data);
      if (!fs.existsSync(blobFile(hash))) writeAtomically(blobFile(hash), data);
      outputs[path.relative(outdir, path.resolve(cwd, output))] = hash;
    }
    /** @type {Manifest} */
    const manifest = { inputs: inputState(cwd, Object.keys(metafile.inputs)), outputs };
    writeAtomically(manifestFile(key), JSON.stringify(manifest));
  }

  const EMPTY_RESULT = () => ({ errors: [], warnings: [], outputFiles: undefined, metafile: undefined, mangleCache: undefined });

  /**
   * One build through the cache: restored, or built by `run` (given options with a metafile) and stored.
   * @param {any} options
   * @param {(options: any) => Promise<any>} run
   */
  async function cachedBuild(options, run) {
    const key = recipeKey(options, esbuild.version);
    if (key === undefined) return run(options);
    const entry = [].concat(options.entryPoints ?? []).join(', ');
    try {
      if (restore(options, key)) {
        log(`esbuild: ${entry} unchanged, its bundle reused (.local/cache/esbuild)`);
        return EMPTY_RESULT();
      }
    } catch (error) {
      log(`esbuild: the cached bundle of ${entry} could not be reused (${/** @type {Error} */ (error).message}); building it`);
    }
    const result = await run({ ...options, metafile: true });
    if (result.errors.length === 0 && result.metafile) {
      try {
        store(options, key, result.metafile);
      } catch (error) {
        log(`esbuild: the bundle of ${entry} was not cached (${/** @type {Error} */ (error).message})`);
      }
    }
    // The caller asked for no metafile: it gets none.
    return options.metafile ? result : { ...result, metafile: undefined };
  }

  /** esbuild.build through the cache. @param {any} options */
  const build = (options) => cachedBuild(options, (withMetafile) => esbuild.build(withMetafile));

  /**
   * esbuild.context: the first rebuild goes through the cache; a real context is made only when
   * a build is needed (a miss, or any later rebuild: a source changed under a watcher).
   * @param {any} options
   */
  async function context(options) {
    /** @type {any} */
    let real;
    let first = true;
    const realContext = async () => (real ??= await esbuild.context({ ...options, ...(recipeKey(options, esbuild.version) ? { metafile: true } : {}) }));
    return {
      async rebuild() {
        if (!first) return (await realContext()).rebuild();
        first = false;
        return cachedBuild(options, async () => (await realContext()).rebuild());
      },
      async dispose() {
        if (real) await real.dispose();
      },
      async cancel() {
        if (real) await real.cancel();
      },
      async watch(/** @type {any} */ watchOptions) {
        return (await realContext()).watch(watchOptions);
      },
      async serve(/** @type {any} */ serveOptions) {
        return (await realContext()).serve(serveOptions);
      },
    };
  }

  return { build, context };
}

/**
 * Makes every later `require('esbuild')` of serverless-esbuild (resolved from where it lives) get
 * the cached module. Call from a process's preload, before the framework loads its plugins.
 * @param {{log?: (line: string) => void}} [settings]
 */
function install(settings = {}) {
  if (process.env.LOCAL_CLOUD_BUNDLE_CACHE === 'off') return; // to compare: every build is esbuild's
  let esbuildPath;
  try {
    const pluginDir = path.dirname(require.resolve('serverless-esbuild/package.json', { paths: [process.cwd(), root] }));
    esbuildPath = require.resolve('esbuild', { paths: [pluginDir] });
  } catch {
    return; // no serverless-esbuild here: nothing to cache
  }
  const esbuild = require(esbuildPath);
  const cached = createBundleCache(esbuild, settings);
  const module_ = require.cache[esbuildPath];
  if (!module_) return;
  module_.exports = { ...esbuild, build: cached.build, context: cached.context };
}

module.exports = { createBundleCache, install, recipeKey, inputState };
