'use strict';

// Services served outside Lambda (scripts/serve) while the cloud runs, one long-lived process
// each, started by the cloud so that their lines land in its log. Two ways for events to reach one:
// - direct: the gateway sends the service's routes to it, and every event source (Kinesis, SNS,
//   EventBridge, Invoke) delivers to its /lambda-proxy-non-api-events, in place of the functions;
// - forward: nothing in the cloud changes but the config value <service>/forward-to, which the
//   service's Lambda functions read (libs/lambda forwarding): they hand each event on to it, as on
//   AWS while a service moves.
// Switched at run time (`local-cloud serve|unserve`, PUT|DELETE /_local/served/<service>) or at
// start (`up --serve NAME [--serve-delivery forward]`).

const path = require('node:path');
const { spawnNode } = require('./children');
const { putConfigValue } = require('./seeds');

const SERVE_BIN = path.join(__dirname, '../../serve/bin/serve.js');
const NON_API_PATH = '/lambda-proxy-non-api-events';
const DELIVERIES = ['direct', 'forward'];
// The functions' FORWARDING_REFRESH_SECONDS here: a switch takes effect within it (twice, to be sure).
const FORWARDING_REFRESH_SECONDS = 2;

/**
 * Invokes a served function as Lambda's Invoke would, through the served instance's proxy endpoint.
 * @param {import('./lambda-invoker').LocalFunction} fn one whose service is served (`servedUrl` set)
 * @param {unknown} event
 * @returns {Promise<import('./lambda-invoker').InvokeResult>}
 */
async function invokeServed(fn, event) {
  const response = await fetch(`${fn.servedUrl}${NON_API_PATH}?function=${encodeURIComponent(String(fn.functionKey))}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event }),
    signal: AbortSignal.timeout(fn.timeoutSeconds * 1000 + 5_000),
  });
  const payload = /** @type {any} */ (await response.json().catch(() => null));
  if (response.ok) return { ok: true, status: 200, payload };
  return {
    ok: false,
    status: response.status,
    functionError: response.headers.get('x-amz-function-error') ?? 'Unhandled',
    payload: { errorType: payload?.error?.details?.errorType ?? 'Error', errorMessage: payload?.error?.message ?? `served instance answered ${response.status}` },
  };
}

/** @param {string} url @param {{ running: boolean }} child */
async function waitForHealth(url, child, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (!child.running) throw new Error(`the served instance at ${url} exited before it was ready (see its lines in the log)`);
    if (Date.now() > deadline) throw new Error(`the served instance at ${url} was not ready within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * `services`: [{project, ports}] as the cloud runs them; `functionsByKey` the cloud's functions;
 * `gateway` its front door; `onChildren` is told the served children's pids (for `stop`).
 * @param {object} options
 * @param {{ project: { name: string }, ports: { http: number } }[]} options.services
 * @param {Map<string, import('./lambda-invoker').LocalFunction>} options.functionsByKey
 * @param {{ routeService(name: string, port: number | undefined): void }} options.gateway
 * @param {string} options.stateDir
 * @param {string} options.baseUrl
 * @param {{ name: string, dir: string }[]} options.projects
 * @param {Record<string, string>} options.apiKeys
 * @param {(line: string) => void} options.write
 * @param {(line: string) => void} options.log
 * @param {(pids: (number | undefined)[]) => void} [options.onChildren]
 */
function createServedServices({ services, functionsByKey, gateway, stateDir, baseUrl, projects, apiKeys, write, log, onChildren = () => {} }) {
  /** @type {Map<string, { child: ReturnType<typeof spawnNode>, url: string, delivery: string }>} */
  const running = new Map(); // service name -> {child, url, delivery}

  const functionsOf = (/** @type {string} */ name) => [...functionsByKey.values()].filter((fn) => fn.key.startsWith(`${name}/`));
  const setForwarding = (/** @type {string} */ name, /** @type {string} */ value) => putConfigValue({ projects, baseUrl, apiKeys, service: name, key: 'forward-to', value, log });
  const settle = () => new Promise((/** @type {(value?: unknown) => void} */ resolve) => setTimeout(resolve, FORWARDING_REFRESH_SECONDS * 2_000 + 500));

  /** @param {string} name @param {string} [delivery] direct or forward */
  async function start(name, delivery = 'direct') {
    if (!DELIVERIES.includes(delivery)) throw new Error(`delivery is direct or forward, not ${delivery}`);
    const service = services.find((s) => s.project.name === name);
    if (!service) throw new Error(`no service ${name} in this cloud (${services.map((s) => s.project.name).join(', ')})`);
    if (running.has(name)) await stop(name);
    // Within the service's own block of ports (http, lambda, websocket, then this).
    const port = service.ports.http + 5;
    const url = `http://127.0.0.1:${port}`;
    const child = spawnNode((line) => `[${name}:served] ${line}`, [SERVE_BIN, '--service', name, '--port', String(port), '--state-dir', stateDir], {
      env: process.env,
      write,
    });
    running.set(name, { child, url, delivery });
    onChildren([...running.values()].map((r) => r.child.child.pid));
    try {
      await waitForHealth(url, child);
      if (delivery === 'direct') {
        for (const fn of functionsOf(name)) Object.assign(fn, { servedUrl: url, functionKey: fn.key.slice(name.length + 1) });
        gateway.routeService(name, port);
      } else {
        await setForwarding(name, url);
        await settle();
      }
    } catch (error) {
      await stop(name);
      throw error;
    }
    log(`${name}: served at ${url}, events delivered ${delivery === 'direct' ? 'to it directly' : 'through its Lambda functions (forward-to)'}`);
    return { service: name, url, delivery };
  }

  /** @param {string} name */
  async function stop(name) {
    const served = running.get(name);
    if (!served) return false;
    running.delete(name);
    if (served.delivery === 'direct') {
      for (const fn of functionsOf(name)) delete fn.servedUrl;
      gateway.routeService(name, undefined);
    } else {
      await setForwarding(name, 'off').catch((error) => log(`${name}: could not clear forward-to: ${/** @type {Error} */ (error).message}`));
      await settle();
    }
    await served.child.stop(30_000); // SIGTERM: it drains what it holds
    onChildren([...running.values()].map((r) => r.child.child.pid));
    log(`${name}: no longer served`);
    return true;
  }

  async function status() {
    /** @type {Record<string, object>} */
    const result = {};
    for (const [name, served] of running) {
      const health = await fetch(`${served.url}/health`).then((r) => /** @type {Promise<object>} */ (r.json()), (/** @type {Error} */ error) => ({ status: 'down', reason: error.message }));
      result[name] = { url: served.url, delivery: served.delivery, ...health };
    }
    return result;
  }

  /** The admin routes on the gateway: PUT|DELETE /_local/served/<service>, GET /_local/served. */
  /** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response @param {URL} url */
  async function admin(request, response, url) {
    const send = (/** @type {number} */ status, /** @type {unknown} */ body) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const match = /^\/_local\/served(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return send(404, { error: { code: 'NotFound', message: `no local-cloud route ${url.pathname}` } });
    try {
      if (request.method === 'GET' && !match[1]) return send(200, await status());
      if (request.method === 'PUT' && match[1]) return send(200, await start(match[1], url.searchParams.get('delivery') ?? 'direct'));
      if (request.method === 'DELETE' && match[1]) return send(200, { service: match[1], stopped: await stop(match[1]) });
      return send(405, { error: { code: 'MethodNotAllowed', message: `${request.method} is not allowed on ${url.pathname}` } });
    } catch (error) {
      return send(400, { error: { code: 'ValidationError', message: /** @type {Error} */ (error).message } });
    }
  }

  return { start, stop, status, admin, stopAll: () => Promise.all([...running.keys()].map(stop)) };
}

module.exports = { createServedServices, invokeServed, FORWARDING_REFRESH_SECONDS };
