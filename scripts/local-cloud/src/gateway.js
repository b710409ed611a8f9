'use strict';

// The one front door of the local cloud, like an API Gateway custom domain in front of every
// service's API: a request goes to the service that declares its method and path (the most
// specific declaration wins, literal segments before {params} before {proxy+}), unchanged.
// GET /health answers 200 with the state of every part, probed, while all are ready; 503 otherwise.

const crypto = require('node:crypto');
const http = require('node:http');
const { invokeServed } = require('./served');
const { refusalType, renderRefusal } = require('./gateway-responses');

/**
 * A declared path as a regular expression (one capture group per parameter, named in `names` in
 * order) and a score for choosing among matches.
 * @param {string} path
 */
function routeMatcher(path) {
  const segments = path.split('/').filter(Boolean);
  /** @type {string[]} */
  const names = [];
  const pattern = segments
    .map((segment) => {
      const parameter = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (parameter) names.push(/** @type {string} */ (parameter[1]));
      if (parameter?.[2]) return '/(.+)';
      if (parameter) return '/([^/]+)';
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    })
    .join('');
  // Literal segments weigh most, then parameters; a greedy segment least.
  const score = segments.reduce((sum, s) => sum + (s.endsWith('+}') ? 1 : s.startsWith('{') ? 10 : 100), 0);
  return { regex: new RegExp(`^${pattern || '/'}/?$`), score, names };
}

/** @type {(response: import('node:http').ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => import('node:http').ServerResponse} */
const sendJson = (response, status, body, headers = {}) =>
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

// API Gateway's own refusals (no or bad API key, an authorizer's no, a request it cannot read, no
// route) are answered as the service's declared GatewayResponses make them on AWS
// (gateway-responses.js). serverless-offline's refusals are told apart from a function's answers,
// which always carry x-correlation-id.
/** @type {(response: import('node:http').ServerResponse, refusal: { status: number, headers: Record<string, string>, body: string }) => import('node:http').ServerResponse} */
const sendRefusal = (response, { status, headers, body }) => response.writeHead(status, headers).end(body);

/**
 * @typedef {ReturnType<typeof import('./gateway-responses').declaredGatewayResponses>} DeclaredResponses
 */

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 * @param {import('node:http').IncomingMessage} answer serverless-offline's refusal
 * @param {DeclaredResponses} responses
 */
function gatewayRefusal(request, response, answer, responses) {
  /** @type {Buffer[]} */
  const chunks = [];
  answer.on('data', (chunk) => chunks.push(chunk));
  answer.on('end', () => {
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8')).message;
    } catch {
      // not JSON: API Gateway's own message for the type
    }
    const status = /** @type {number} */ (answer.statusCode); // a client's answer has one
    const type = refusalType(status, answer.headers, message);
    sendRefusal(response, renderRefusal(responses, type, { requestHeaders: request.headers, message, status }));
  });
}

// The gateway's own answers carry the request's x-correlation-id as sent (already a header value:
// docs/api.md "Correlation"), or a new one, as a function's answers do.
const correlationIdOf = (/** @type {import('node:http').IncomingMessage} */ request) => String(request.headers['x-correlation-id'] || crypto.randomUUID());

// When the service behind a path cannot answer: its process is gone or refuses (502), or it took
// longer than API Gateway's integration timeout (504). Both in the contract's error shape.
/** @type {Record<number, { code: string, message: string }>} */
const UPSTREAM_FAILURES = {
  502: { code: 'BadGateway', message: 'The service behind this path is not answering' },
  504: { code: 'GatewayTimeout', message: 'The service behind this path did not answer in time' },
};
/** @type {(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse, status: number) => import('node:http').ServerResponse} */
const upstreamFailure = (request, response, status) => sendJson(response, status, { error: UPSTREAM_FAILURES[status] }, { 'x-correlation-id': correlationIdOf(request) });

/** API Gateway's integration timeout (29 s); LOCAL_CLOUD_GATEWAY_TIMEOUT_MS sets another. */
const integrationTimeoutMs = () => Number(process.env.LOCAL_CLOUD_GATEWAY_TIMEOUT_MS) || 29_000;

// Connections to the services are kept open between requests, as API Gateway keeps its own. A
// service's server (Node's, under hapi) closes a connection idle for 5 s; a request sent on it in
// that instant fails with ECONNRESET and would be answered 502. So an idle connection is closed here
// first, after 4 s (the agent's `timeout` destroys a free socket that times out).
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 });

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 * @param {number} port
 * @param {(line: string) => void} log
 * @param {{ refusals?: DeclaredResponses, timeoutMs?: number }} [options] `refusals`: answer serverless-offline's own refusals as these declare
 */
function proxy(request, response, port, log, { refusals, timeoutMs = integrationTimeoutMs() } = {}) {
  let timedOut = false;
  const upstream = http.request(
    { host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers, agent },
    (answer) => {
      clearTimeout(timer);
      const status = /** @type {number} */ (answer.statusCode); // a client's answer has one
      if (refusals && status >= 400 && status < 500 && !answer.headers['x-correlation-id']) return gatewayRefusal(request, response, answer, refusals);
      // serverless-offline's own 502/504 (a function that crashed or ran out of time) say nothing in
      // the contract's shape: the gateway answers them as API Gateway would, with an id.
      if (refusals && UPSTREAM_FAILURES[status] && !answer.headers['x-correlation-id']) {
        answer.resume();
        return upstreamFailure(request, response, status);
      }
      response.writeHead(status, answer.headers);
      answer.pipe(response);
    },
  );
  // Until the answer's headers: a paused or hung service process is given up on, as API Gateway does.
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        upstream.destroy(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs).unref()
    : undefined;
  upstream.on('error', (error) => {
    clearTimeout(timer);
    log(`gateway: ${request.method} ${request.url} -> :${port} failed: ${error.message}`);
    if (!response.headersSent) upstreamFailure(request, response, timedOut ? 504 : 502);
    else response.destroy();
  });
  request.pipe(upstream);
}

/**
 * Hands a WebSocket upgrade on to `port` unchanged (the MQTT broker on /mqtt), then pipes the two
 * sockets together; a refusal from upstream goes back as it came.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:stream').Duplex} socket
 * @param {Buffer} head
 * @param {number} port
 * @param {(line: string) => void} log
 */
function proxyUpgrade(request, socket, head, port, log) {
  const upstream = http.request({ host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers });
  upstream.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
    const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
    upstreamSocket.on('close', () => socket.destroy());
    socket.on('close', () => upstreamSocket.destroy());
  });
  upstream.on('response', (answer) => {
    socket.end(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\nconnection: close\r\n\r\n`);
    answer.resume();
  });
  upstream.on('error', (error) => {
    log(`gateway: upgrade of ${request.url} -> :${port} failed: ${error.message}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n');
  });
  upstream.end();
}

/**
 * @typedef {{ method: string, path: string, regex: RegExp, score: number, names: string[], service: string, port: number }} Route
 * @typedef {(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse, url: URL) => unknown} AdminHandler
 */

/**
 * @param {object} options
 * @param {() => { status: string } | Promise<{ status: string }>} options.health
 * @param {(line: string) => void} options.log
 * @param {number} [options.timeoutMs] API Gateway's integration timeout
 */
function createGateway({ health, log, timeoutMs = integrationTimeoutMs() }) {
  /** @type {Route[]} */
  let routes = []; // in the order declared
  /** @type {Route[]} */
  let bySpecificity = []; // the same, most specific first (a stable sort: among equals, the first declared)
  /** @type {Map<string, number>} */
  const upgrades = new Map(); // path -> port
  /** @type {Map<string, number>} */
  const servedPorts = new Map(); // service -> the port of its served instance (src/served.js)
  /** @type {AdminHandler | undefined} */
  let admin;
  /** @type {Map<string | undefined, DeclaredResponses>} */
  const declaredByService = new Map();
  // The GatewayResponses of the API a path is on: the service's own, or, for a service on another's
  // REST API (relationships on users'), those of the service owning the path's first segment; a
  // path no API has (on AWS: the custom domain's) gets the first service's.
  // Looked up for every request, so kept per service and first segment until routes change.
  /** @type {Map<string, DeclaredResponses>} */
  const responsesCache = new Map();
  /** @type {(service: string | undefined, pathname: string) => DeclaredResponses} */
  const responsesFor = (service, pathname) => {
    const own = declaredByService.get(service);
    if (own?.size) return own;
    const base = pathname.split('/')[1];
    const key = `${service}\u0000${base}`;
    const cached = responsesCache.get(key);
    if (cached) return cached;
    const owner = routes.find((r) => r.path.split('/')[1] === base && declaredByService.get(r.service)?.size);
    const responses = declaredByService.get(owner?.service) ?? [...declaredByService.values()].find((declared) => declared.size) ?? new Map();
    if (responsesCache.size < 1_000) responsesCache.set(key, responses);
    return responses;
  };
  /** The most specific route declared for the method and path, if any. @param {string | undefined} method @param {string} pathname */
  const routeFor = (method, pathname) => bySpecificity.find((r) => (r.method === method || r.method === 'ANY' || r.method === '*') && r.regex.test(pathname));

  const server = http.createServer((request, response) => {
    const url = new URL(String(request.url), 'http://gateway');
    if (url.pathname === '/health' && request.method === 'GET') {
      // Probed on every request (src/supervisor.js): the answer takes up to a probe's timeout.
      return void Promise.resolve(health()).then(
        (state) => sendJson(response, state.status === 'ready' ? 200 : 503, state),
        (/** @type {Error} */ error) => sendJson(response, 500, { status: 'unknown', error: error.message }),
      );
    }
    // The local cloud's own switches (no API Gateway has them): served services.
    if (url.pathname.startsWith('/_local/') && admin) return admin(request, response, url);
    const route = routeFor(request.method, url.pathname);
    if (route) return proxy(request, response, servedPorts.get(route.service) ?? route.port, log, { refusals: responsesFor(route.service, url.pathname), timeoutMs });
    // No method here, or no path: API Gateway answers MISSING_AUTHENTICATION_TOKEN for both.
    const samePath = routes.find((r) => r.regex.test(url.pathname));
    return sendRefusal(response, renderRefusal(responsesFor(samePath?.service, url.pathname), 'MISSING_AUTHENTICATION_TOKEN', { requestHeaders: request.headers }));
  });

  server.on('upgrade', (request, socket, head) => {
    const port = upgrades.get(new URL(String(request.url), 'http://gateway').pathname);
    if (port) return proxyUpgrade(request, socket, head, port, log);
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
  });

  return {
    server,
    /** Sends WebSocket upgrades on `path` to `port` (the MQTT broker's /mqtt, as IoT Core's endpoint serves it). */
    /** @param {string} path @param {number} port */
    addUpgrade(path, port) {
      upgrades.set(path, port);
    },
    /** Declares the routes of one service: [{ method, path }] served on `port`, and its GatewayResponses (gateway-responses.js). */
    /** @param {string} service @param {number} port @param {{ method: string, path: string }[]} declared @param {DeclaredResponses} [gatewayResponses] */
    addRoutes(service, port, declared, gatewayResponses = new Map()) {
      routes = routes.concat(declared.map((r) => ({ ...r, ...routeMatcher(r.path), service, port })));
      bySpecificity = [...routes].sort((a, b) => b.score - a.score);
      declaredByService.set(service, gatewayResponses);
      responsesCache.clear();
    },
    /** Sends a service's routes to its served instance on `port` (undefined: back to serverless-offline). */
    /** @param {string} service @param {number | undefined} port */
    routeService(service, port) {
      if (port === undefined) servedPorts.delete(service);
      else servedPorts.set(service, port);
    },
    /** Handles /_local/ requests: `handler(request, response, url)`. */
    /** @param {AdminHandler} handler */
    setAdmin(handler) {
      admin = handler;
    },
  };
}

/**
 * Lambda's Invoke API for every function of every service, on one endpoint (AWS_ENDPOINT_URL_LAMBDA):
 * a synchronous invoke goes to the serverless-offline that runs the function; an asynchronous one
 * (InvocationType: Event) gets Lambda's retries and on-failure destination from the invoker (lambda-invoker.js).
 * @param {object} options
 * @param {Map<string, import('./lambda-invoker').LocalFunction>} options.functionsByName
 * @param {Pick<import('./lambda-invoker').LambdaInvoker, 'invokeAsync'>} options.invoker
 * @param {(line: string) => void} options.log
 */
function createLambdaRouter({ functionsByName, invoker, log }) {
  return http.createServer((request, response) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(new URL(String(request.url), 'http://lambda').pathname);
    const id = match ? decodeURIComponent(/** @type {string} */ (match[1])) : String(request.url);
    // A function is named by its name or its ARN (arn:aws:lambda:region:account:function:name[:qualifier]).
    const fn = functionsByName.get(String(id.startsWith('arn:') ? id.split(':')[6] : id));
    if (!fn) {
      return sendJson(response, 404, { Type: 'User', message: `Function not found: ${id}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
    }
    if (request.headers['x-amz-invocation-type'] === 'Event') {
      return readInvokePayload(request, response, (event) => {
        invoker.invokeAsync(fn, event);
        response.writeHead(202).end();
      });
    }
    if (fn.servedUrl) return invokeServedFromRouter(request, response, fn);
    request.url = `/2015-03-31/functions/${fn.name}/invocations`;
    // A synchronous invoke lasts as long as its function may run: no integration timeout here.
    proxy(request, response, fn.lambdaPort, log, { timeoutMs: Infinity });
  });
}

/**
 * Reads an Invoke's JSON payload (empty: {}), then `then(event)`; an unreadable one is Lambda's 400.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 * @param {(event: unknown) => unknown} then
 */
function readInvokePayload(request, response, then) {
  /** @type {Buffer[]} */
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    let event;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      event = text ? JSON.parse(text) : {};
    } catch {
      return sendJson(response, 400, { Type: 'User', message: 'Could not parse request body into json' }, { 'x-amzn-errortype': 'InvalidRequestContentException' });
    }
    then(event);
  });
}

/**
 * A synchronous Invoke of a function that is served (src/served.js): the payload, or the error as Lambda marks it.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 * @param {import('./lambda-invoker').LocalFunction} fn
 */
function invokeServedFromRouter(request, response, fn) {
  readInvokePayload(request, response, async (event) => {
    /** @type {import('./lambda-invoker').InvokeResult} */
    const result = await invokeServed(fn, event).catch((/** @type {Error} */ error) => ({ ok: false, functionError: 'Unhandled', payload: { errorMessage: error.message } }));
    return sendJson(response, 200, result.payload, result.ok ? {} : { 'x-amz-function-error': result.functionError });
  });
}

module.exports = { createGateway, createLambdaRouter, routeMatcher };
