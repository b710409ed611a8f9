// @ts-check
'use strict';

// `serverless print` takes seconds of CPU per project (the framework boots, loads its plugins and
// resolves every variable), and its answer changes only with the files it reads and the values it
// is given. So each project's answer is kept under .local/cache/print/, keyed by a hash of
// everything that feeds it: the project's own top-level files (serverless.yml, package.json), every
// `${file(...)}` it reads, the local plugins (scripts/serverless-*), the framework's and plugins'
// versions, stage, region and the environment variables its serverless.yml files read.
// Values that change on every start (the generated API keys, the ports in the endpoint URLs) are
// given to `serverless print` as placeholders and put in after, so a restart hits the cache.
// A limit: a per-start value must reach the configuration as it is (substituted into a string); a
// serverless.yml that computed with one (strToBool, a hash) would compute with the placeholder.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { cacheDir } = require('./cache-dir');
const { writeAtomically } = require('./write-atomically');

const root = path.resolve(__dirname, '../../..');
const printCacheDir = cacheDir('print');
const TOOLS = ['serverless', 'serverless-offline', 'serverless-esbuild'];

/** @param {string} name */
const placeholderFor = (name) => `@@local-cloud:${name}@@`;

/** Every file under `dir` (recursively, no node_modules), sorted. @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !path.join(entry.parentPath, entry.name).includes(`${path.sep}node_modules${path.sep}`))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The cache key of one project's print.
 * @param {{dir: string}} project
 * @param {{stage: string, region: string, env: Record<string, string>, perStart: string[]}} inputs
 */
function printKey(project, { stage, region, env, perStart }) {
  const hash = crypto.createHash('sha256');
  const add = (/** @type {string} */ label, /** @type {string | Buffer} */ value) => hash.update(`${label}\0`).update(value).update('\0');
  const topLevel = fs.readdirSync(project.dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(project.dir, e.name)).sort();
  const yml = fs.readFileSync(path.join(project.dir, 'serverless.yml'), 'utf8');
  const referenced = [...yml.matchAll(/\$\{file\(([^)]+)\)/g)].map((match) => path.resolve(project.dir, String(match[1])));
  const plugins = fs.readdirSync(path.join(root, 'scripts')).filter((name) => name.startsWith('serverless-')).flatMap((name) => filesUnder(path.join(root, 'scripts', name)));
  for (const file of [...new Set([...topLevel, ...referenced, ...plugins])]) add(path.relative(root, file), fs.existsSync(file) ? fs.readFileSync(file) : 'absent');
  for (const tool of TOOLS) add(tool, fs.readFileSync(path.join(root, 'node_modules', tool, 'package.json')));
  add('node', process.version);
  add('stage', stage);
  add('region', region);
  // Every variable any read file names, with the value this print gets (a placeholder for per-start ones).
  const texts = [yml, ...referenced.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8'))].join('\n');
  const names = [...new Set([...texts.matchAll(/\$\{env:([A-Za-z0-9_]+)/g)].map((match) => String(match[1])))].sort();
  for (const name of names) add(`env:${name}`, perStart.includes(name) ? placeholderFor(name) : (env[name] ?? process.env[name] ?? '\u0000unset'));
  for (const [name, value] of Object.entries(env).sort()) add(`given:${name}`, perStart.includes(name) ? placeholderFor(name) : value);
  return hash.digest('hex').slice(0, 32);
}

/**
 * A project's configuration: from the cache when its key matches, else from `print(env)` (given
 * placeholders for the per-start values), stored. Per-start values are put in either way.
 * @param {{name: string, dir: string}} project
 * @param {{stage: string, region: string, env: Record<string, string>, perStart: string[], print: (env: Record<string, string>) => Promise<string>}} options
 * @returns {Promise<{config: any, cached: boolean}>}
 */
async function cachedPrint(project, { stage, region, env, perStart, print }) {
  const key = printKey(project, { stage, region, env, perStart });
  const file = path.join(printCacheDir, `${project.name}-${stage}-${key}.json`);
  let text;
  let cached = false;
  try {
    text = fs.readFileSync(file, 'utf8');
    cached = true;
  } catch {
    const printEnv = { ...env };
    for (const name of perStart) printEnv[name] = placeholderFor(name);
    text = await print(printEnv);
    JSON.parse(text); // store only a configuration
    fs.mkdirSync(printCacheDir, { recursive: true });
    for (const old of fs.readdirSync(printCacheDir)) if (old.startsWith(`${project.name}-${stage}-`)) fs.rmSync(path.join(printCacheDir, old), { force: true });
    writeAtomically(file, text);
  }
  for (const name of perStart) text = text.split(placeholderFor(name)).join(JSON.stringify(env[name]).slice(1, -1));
  return { config: JSON.parse(text), cached };
}

module.exports = { cachedPrint, printKey, placeholderFor };
