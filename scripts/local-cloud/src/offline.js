'use strict';

// Runs one service's functions and API the way serverless-offline does (API Gateway with API keys
// and authorizers, Lambda Invoke), as a child process with its own ports. Every line it prints
// comes out prefixed with the service, and a function's own lines with the service and function.

const net = require('node:net');
const path = require('node:path');
const { spawnNode } = require('./children');

const serverlessBin = require.resolve('serverless/bin/serverless.js', { paths: [path.resolve(__dirname, '../../..')] });
const PRELOAD = path.join(__dirname, 'offline-preload.js');

/** @param {number} port @returns {Promise<boolean>} */
function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits until every port accepts connections; fails early if `process` exits first.
 * @param {string} name
 * @param {{ running: boolean }} process
 * @param {number[]} portList
 * @param {number} timeoutMs
 */
async function waitForPorts(name, process, portList, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await Promise.all(portList.map(portOpen));
    if (open.every(Boolean)) return;
    if (!process.running) throw new Error(`${name} exited before it was ready (see its lines above)`);
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * `functionLine(functionKey, stream, line)` gets every line a function (or Lambda's platform, for
 * it) wrote, for its log group; every line also goes to `write`, labelled.
 * @param {object} options
 * @param {{ name: string, dir: string }} options.project
 * @param {string} options.stage
 * @param {string} options.region
 * @param {{ http: number, lambda: number, websocket: number }} options.ports
 * @param {Record<string, string | undefined>} options.env
 * @param {(line: string) => void} options.write
 * @param {(functionKey: string, stream: string, line: string) => void} [options.functionLine]
 * @param {boolean} [options.serving] whether it has HTTP events (and so an HTTP server)
 */
function startOffline({ project, stage, region, ports, env, write, functionLine = () => {}, serving = true }) {
  const label = (/** @type {string} */ line) => {
    // offline-preload.js marks a function's lines with "λ <function>\t<log stream>\t".
    const fn = /^λ ([^\t]+)\t([^\t]+)\t(.*)$/s.exec(line);
    if (!fn) return `[${project.name}] ${line}`;
    const [, functionKey = '', stream = '', text = ''] = fn;
    functionLine(functionKey, stream, text);
    return `[${project.name}/${functionKey}] ${text}`;
  };
  const args = [
    '--require', PRELOAD,
    serverlessBin, 'offline', 'start',
    '--stage', stage,
    '--region', region,
    '--host', '127.0.0.1',
    '--httpPort', String(ports.http),
    '--lambdaPort', String(ports.lambda),
    '--websocketPort', String(ports.websocket),
    '--noPrependStageInUrl',
    // Keep warm instances for an hour, not serverless-offline's minute: AWS keeps them about as long.
    '--terminateIdleLambdaTime', '3600',
  ];
  const offline = spawnNode(label, args, { cwd: project.dir, env: { ...process.env, ...env, SLS_TELEMETRY_DISABLED: '1' }, write });
  return {
    pid: offline.child.pid,
    exited: offline.exited,
    get running() {
      return offline.running;
    },
    stop: () => offline.stop(),
    // A service with no HTTP events has no HTTP server to wait for (serverless-offline opens none).
    ready: (timeoutMs = 120_000) => waitForPorts(`${project.name}: serverless-offline`, offline, serving ? [ports.http, ports.lambda] : [ports.lambda], timeoutMs),
  };
}

module.exports = { startOffline, waitForPorts, portOpen };
