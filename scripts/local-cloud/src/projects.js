'use strict';

// Finds the projects of the monorepo and reads each one's serverless.yml as the Serverless
// Framework resolves it (`serverless print`), so that variables mean exactly what they mean on AWS.

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const { cachedPrint } = require('./print-cache');

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const serverlessBin = require.resolve('serverless/bin/serverless.js', { paths: [root] });
// serverless-esbuild's barrels loaded lazily in each print (framework-preload.js).
const FRAMEWORK_PRELOAD = path.join(__dirname, 'framework-preload.js');

/**
 * A project of the monorepo: the shared stack (the root's serverless.yml) or a service.
 * @typedef {{ name: string, dir: string, shared: boolean }} Project
 */

/**
 * The shared stack first, then every service under services/ that has a serverless.yml.
 * @returns {Project[]}
 */
function discoverProjects() {
  const services = path.join(root, 'services');
  const names = fs.existsSync(services)
    ? fs.readdirSync(services).filter((name) => fs.existsSync(path.join(services, name, 'serverless.yml'))).sort()
    : [];
  return [
    { name: 'shared', dir: root, shared: true },
    ...names.map((name) => ({ name, dir: path.join(services, name), shared: false })),
  ];
}

/**
 * The project's configuration as `serverless print` resolves it, from the print cache when nothing
 * that feeds it changed (src/print-cache.js); `perStart` names the variables of `env` that change
 * on every start. Resolves {config, cached}.
 * @param {Project} project
 * @param {{ stage: string, region: string, env: Record<string, string>, perStart?: string[] }} options
 */
function resolveConfig(project, { stage, region, env, perStart = [] }) {
  return cachedPrint(project, { stage, region, env, perStart, print: (printEnv) => printConfig(project, { stage, region, env: printEnv }) });
}

/**
 * @param {Project} project
 * @param {{ stage: string, region: string, env: Record<string, string> }} options
 * @returns {Promise<string>} the JSON text
 */
async function printConfig(project, { stage, region, env }) {
  try {
    const { stdout } = await run(process.execPath, ['--require', FRAMEWORK_PRELOAD, serverlessBin, 'print', '--stage', stage, '--region', region, '--format', 'json'], {
      cwd: project.dir,
      env: { ...process.env, ...env, SLS_TELEMETRY_DISABLED: '1' },
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout.slice(stdout.indexOf('{'));
  } catch (error) {
    // The framework prints its environment first and the error after an "Error:" line.
    const failed = /** @type {Error & { stderr?: string, stdout?: string }} */ (error);
    const output = (failed.stderr || failed.stdout || failed.message).trim();
    const detail = output.includes('Error:') ? output.slice(output.indexOf('Error:')) : output.split('\n').slice(-8).join('\n');
    throw new Error(`${project.name}: serverless print failed:\n${detail}`);
  }
}

/**
 * Every API Gateway route a project declares: REST (`http`) and HTTP API (`httpApi`) events.
 * @param {any} config a resolved serverless config
 * @returns {{ functionKey: string, method: string, path: string }[]}
 */
function routesOf(config) {
  const routes = [];
  for (const [functionKey, fn] of Object.entries(/** @type {Record<string, any>} */ (config.functions ?? {}))) {
    for (const event of fn.events ?? []) {
      const http = event.http ?? event.httpApi;
      if (!http) continue;
      const spec = typeof http === 'string' ? { method: http.split(' ')[0], path: http.split(' ')[1] } : http;
      if (!spec.path) continue;
      routes.push({ functionKey, method: String(spec.method ?? '*').toUpperCase(), path: `/${String(spec.path).replace(/^\//, '')}` });
    }
  }
  return routes;
}

module.exports = { discoverProjects, resolveConfig, routesOf, root };
