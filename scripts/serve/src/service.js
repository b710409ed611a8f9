'use strict';

// A service as one process runs it: its configuration as the framework resolves it (the local
// cloud's cached `serverless print`, or a fresh one), every function bundled as serverless-esbuild
// bundles it for Lambda (the service's own esbuild settings), and the environment its functions
// get, for the whole process.

const fs = require('node:fs');
const path = require('node:path');
const { routeMatcher } = require('../../local-cloud/src/gateway');
const { resolveConfig, root } = require('../../local-cloud/src/projects');
const { authorizerOf } = require('./authorizer');

/** The file and export a `handler: src/handlers/get.handler` names. */
function handlerEntry(dir, handler) {
  const dot = handler.lastIndexOf('.');
  const base = path.join(dir, handler.slice(0, dot));
  const file = ['.ts', '.js', '.mjs', '.cjs'].map((ext) => base + ext).find((candidate) => fs.existsSync(candidate));
  if (!file) throw new Error(`handler ${handler}: no ${base}.ts or .js`);
  return { file, exportName: handler.slice(dot + 1) };
}

/** Bundles every function as serverless-esbuild does for Lambda (one bundle each, CommonJS). */
async function bundleFunctions(dir, config, outdir) {
  const esbuild = require('esbuild');
  const settings = config.custom?.esbuild ?? {};
  fs.rmSync(outdir, { recursive: true, force: true });
  const bundles = {};
  await Promise.all(
    Object.entries(config.functions ?? {}).map(async ([key, definition]) => {
      const { file, exportName } = handlerEntry(dir, definition.handler);
      const outfile = path.join(outdir, `${key}.js`);
      await esbuild.build({
        entryPoints: [file],
        outfile,
        bundle: settings.bundle ?? true,
        minify: settings.minify ?? false,
        sourcemap: settings.sourcemap ?? false,
        target: settings.target ?? 'node22',
        platform: settings.platform ?? 'node',
        format: 'cjs',
        external: [...(settings.exclude ?? []), ...(settings.external ?? [])],
        absWorkingDir: dir,
        logLevel: 'error',
      });
      bundles[key] = { outfile, exportName };
    }),
  );
  return bundles;
}

/**
 * The one environment of the process: the provider's and every function's variables. A value
 * that is an intrinsic (`Fn::ImportValue`, `Ref`) is taken from `rendered` (what the local cloud
 * rendered) or from the process's own environment; a variable set differently by two functions
 * is reported, as one process cannot give them both.
 */
function functionEnvironment(config, { rendered = {}, env = process.env }) {
  const result = {};
  const missing = [];
  const conflicts = [];
  for (const [key, definition] of Object.entries(config.functions ?? {})) {
    for (const [name, value] of Object.entries({ ...config.provider?.environment, ...definition.environment })) {
      let resolved = value;
      if (value !== null && typeof value === 'object') resolved = rendered[key]?.[name] ?? env[name];
      if (resolved === undefined) {
        missing.push(name);
        continue;
      }
      if (name in result && result[name] !== String(resolved)) conflicts.push(name);
      result[name] = String(resolved);
    }
  }
  // The served instance is where events are forwarded to: it must never forward them on itself.
  delete result.FORWARDING_CONFIG_KEY;
  if (missing.length > 0) {
    throw new Error(`set ${[...new Set(missing)].join(', ')} in the environment: serverless.yml gives ${missing.length > 1 ? 'them' : 'it'} as CloudFormation intrinsics, which only a deployed stack (or the local cloud) resolves`);
  }
  return { environment: result, conflicts: [...new Set(conflicts)] };
}

/** Every API key value the service declares (provider.apiGateway.apiKeys), as resolved. */
function apiKeyValues(config) {
  const declared = config.provider?.apiGateway?.apiKeys ?? [];
  return new Set(declared.map((key) => (typeof key === 'string' ? undefined : key.value)).filter((value) => typeof value === 'string' && value));
}

function routesOf(config) {
  const routes = [];
  for (const [key, definition] of Object.entries(config.functions ?? {})) {
    for (const event of definition.events ?? []) {
      if (!event.http) continue;
      const http = typeof event.http === 'string' ? { method: event.http.split(' ')[0], path: event.http.split(' ')[1] } : event.http;
      const routePath = `/${String(http.path).replace(/^\//, '')}`;
      routes.push({
        functionKey: key,
        method: String(http.method).toUpperCase(),
        path: routePath,
        private: http.private === true,
        authorizer: authorizerOf(http),
        ...routeMatcher(routePath),
      });
    }
  }
  return routes;
}

/**
 * Loads a service for serving: `dir` its project directory; `config` a resolved configuration
 * (else `serverless print` runs with `env`); `rendered` intrinsic values per function.
 */
async function loadService({ dir, stage, region, config, rendered, env = process.env, outdir = path.join(root, '.local', 'serve', path.basename(dir)) }) {
  const resolved = config ?? (await resolveConfig({ name: path.basename(dir), dir }, { stage, region, env })).config;
  const { environment, conflicts } = functionEnvironment(resolved, { rendered, env });
  const bundles = await bundleFunctions(dir, resolved, outdir);
  const functions = new Map();
  for (const [key, definition] of Object.entries(resolved.functions ?? {})) {
    functions.set(key, {
      key,
      name: definition.name ?? `${resolved.service}-${stage}-${key}`,
      timeoutSeconds: definition.timeout ?? resolved.provider?.timeout ?? 6,
      memorySize: definition.memorySize ?? resolved.provider?.memorySize ?? 1024,
      events: definition.events ?? [],
      bundle: bundles[key],
      handler: undefined, // loaded by load(), once the environment is in place
    });
  }
  return {
    name: resolved.service,
    stage,
    region,
    functions,
    routes: routesOf(resolved),
    apiKeys: apiKeyValues(resolved),
    binaryMediaTypes: resolved.provider?.apiGateway?.binaryMediaTypes ?? [],
    environment,
    conflicts,
    /** Puts the environment in place and loads every handler (each bundle's init phase runs now). */
    load() {
      Object.assign(process.env, environment);
      for (const fn of functions.values()) {
        const exported = require(fn.bundle.outfile)[fn.bundle.exportName];
        if (typeof exported !== 'function') throw new Error(`${fn.key}: ${fn.bundle.exportName} is not a function in its bundle`);
        fn.handler = exported;
      }
    },
  };
}

module.exports = { loadService, functionEnvironment, routesOf, handlerEntry };
