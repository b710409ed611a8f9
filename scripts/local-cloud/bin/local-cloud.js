#!/usr/bin/env node
'use strict';

// The local cloud's command line, called by ./build.sh:
//   local-cloud up [--detach] [--stage local] [--port-base 3000] [--state-dir .local] [--project DIR]...
//                  [--async-retry-delay-ms 1000]   (the first retry of a failed asynchronous invocation; the second waits double)
//   local-cloud stop [--state-dir .local]
//   local-cloud status [--state-dir .local]
//   local-cloud serve SERVICE [--delivery direct|forward] [--state-dir .local]   (scripts/serve, src/served.js)
//   local-cloud unserve SERVICE [--state-dir .local]
//   up --serve SERVICE [--serve-delivery direct|forward]: served from the start

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { startCloud, stopRunningCloud, readState } = require('../src/cloud');
const { alive } = require('../src/children');
const { discoverProjects, root } = require('../src/projects');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    detach: { type: 'boolean', default: false },
    stage: { type: 'string', default: 'local' },
    region: { type: 'string', default: 'eu-west-1' },
    'port-base': { type: 'string', default: process.env.LOCAL_CLOUD_PORT_BASE ?? '3000' },
    'state-dir': { type: 'string', default: process.env.LOCAL_CLOUD_STATE_DIR ?? path.join(root, '.local') },
    project: { type: 'string', multiple: true },
    'async-retry-delay-ms': { type: 'string', default: process.env.LOCAL_CLOUD_ASYNC_RETRY_DELAY_MS },
    serve: { type: 'string', multiple: true },
    'serve-delivery': { type: 'string', default: 'direct' },
    delivery: { type: 'string', default: 'direct' },
  },
});
const command = positionals[0];
const stateDir = path.resolve(values['state-dir']);
/** @type {(message: string) => never} */
const fail = (message) => {
  process.stderr.write(`local-cloud: ${message}\n`);
  process.exit(1);
};

function projectsFromOptions() {
  if (!values.project) return discoverProjects();
  // Explicit projects (the local cloud's own fixture, say): the shared stack still comes first.
  return [
    /** @type {import('../src/projects').Project} */ (discoverProjects()[0]), // the shared stack is always there
    ...values.project.map((dir) => ({ name: path.basename(path.resolve(dir)), dir: path.resolve(dir), shared: false })),
  ];
}

async function up() {
  const state = readState(stateDir);
  if (state && alive(state.pid)) fail(`a local cloud is already running (pid ${state.pid}, ${state.baseUrl}); stop it with ./build.sh stop`);
  if (values.detach) return detach();
  const started = Date.now();
  const cloud = await startCloud({
    stage: values.stage,
    region: values.region,
    portBase: Number(values['port-base']),
    stateDir,
    projects: projectsFromOptions(),
    ...(values['async-retry-delay-ms'] ? { asyncRetryDelayMs: Number(values['async-retry-delay-ms']) } : {}),
    serve: (values.serve ?? []).map((service) => ({ service, delivery: values['serve-delivery'] })),
  }).catch((error) => fail(error.message));
  const shutdown = async (/** @type {string} */ signal) => {
    process.stdout.write(`[local-cloud] ${signal}: stopping\n`);
    await cloud.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.stdout.write(
    [
      '',
      `Local cloud (stage ${cloud.stage}) ready in ${((Date.now() - started) / 1000).toFixed(1)}s`,
      `  base URL: ${cloud.baseUrl}   (health: ${cloud.baseUrl}/health)`,
      ...Object.entries(cloud.apiKeys).map(([name, key]) => `  API key ${name}: ${key}`),
      `  endpoints: ${path.join(stateDir, 'endpoints.json')}`,
      'Ctrl-C stops everything.',
      'READY',
      '',
    ].join('\n'),
  );
}

/** Starts the cloud in the background, returns once it is ready; its output goes to a log file. */
async function detach() {
  fs.mkdirSync(stateDir, { recursive: true });
  const logPath = path.join(stateDir, 'local-cloud.log');
  const out = fs.openSync(logPath, 'w');
  const args = process.argv.slice(1).filter((arg) => arg !== '--detach');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: process.env });
  child.unref();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 300_000;
  for (;;) {
    const log = fs.readFileSync(logPath, 'utf8');
    if (/^READY$/m.test(log)) {
      process.stdout.write(log.slice(log.lastIndexOf('\nLocal cloud') + 1).replace('Ctrl-C stops everything.', `Running in the background (pid ${child.pid}); logs: ${logPath}; ./build.sh stop stops it.`));
      process.exit(0);
    }
    if (exited || Date.now() > deadline) {
      process.stderr.write(log.split('\n').slice(-30).join('\n'));
      await stopRunningCloud(stateDir);
      fail(exited ? 'the local cloud failed to start (its last lines are above)' : 'the local cloud did not become ready within 5 minutes');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main() {
  switch (command) {
    case 'up':
      return up();
    case 'stop': {
      const stopped = await stopRunningCloud(stateDir);
      process.stdout.write(stopped ? 'local cloud stopped\n' : 'no local cloud was running\n');
      return undefined;
    }
    case 'status': {
      const state = readState(stateDir);
      if (!state || !alive(state.pid)) fail('no local cloud is running');
      const response = await fetch(`${state.baseUrl}/health`).catch((error) => fail(`${state.baseUrl} does not answer: ${error.message}`));
      process.stdout.write(`${JSON.stringify(await response.json(), null, 2)}\n`);
      return process.exit(response.ok ? 0 : 1);
    }
    case 'serve':
    case 'unserve': {
      const service = positionals[1] ?? fail(`${command} needs a service: local-cloud ${command} SERVICE`);
      const state = readState(stateDir);
      if (!state || !alive(state.pid)) fail('no local cloud is running');
      const url = `${state.baseUrl}/_local/served/${encodeURIComponent(service)}${command === 'serve' ? `?delivery=${values.delivery}` : ''}`;
      const response = await fetch(url, { method: command === 'serve' ? 'PUT' : 'DELETE' }).catch((error) => fail(`${state.baseUrl} does not answer: ${error.message}`));
      const body = /** @type {any} */ (await response.json());
      if (!response.ok) fail(body.error?.message ?? JSON.stringify(body));
      process.stdout.write(`${JSON.stringify(body)}\n`);
      return undefined;
    }
    default:
      return fail(`unknown command '${command ?? ''}' (up, stop, status, serve, unserve)`);
  }
}

main();
