'use strict';

// The served service's HTTP server: its API Gateway routes (API keys, authorizers, the proxy
// event), POST /lambda-proxy-non-api-events for every other event, GET /health; drain() stops
// taking requests and resolves once the ones in flight are answered.

const crypto = require('node:crypto');
const http = require('node:http');
const { toProxyEvent, writeProxyResult, sendError } = require('./api-gateway-event');
const { createAuthorizerRunner } = require('./authorizer');
const { createInvoker } = require('./invoke');
const { eventOf, eventSourcesOf, functionFor, NotAnEventError } = require('./non-api-events');

const ACCOUNT_ID = '000000000000';
const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit
const NON_API_PATH = '/lambda-proxy-non-api-events';

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('the body is over 10 MB'), { status: 413 }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const lowercaseHeaders = (headers) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(',') : value]));

/**
 * `service` as loadService returns it (handlers loaded); `apiKeys` the values a private route
 * accepts; `eventSourceArns` {functionKey: [arn]} rendered by the local cloud; `log` one line.
 */
function createServedServer({ service, apiKeys = service.apiKeys, eventSourceArns = {}, log = () => {} }) {
  // Counted per function that something can reach: an event source, or an authorizer of a route
  // (a function with neither, such as CodeDeploy's pre-traffic hook, is never sent anything here).
  const authorizers = new Set([...service.functions.values()].flatMap((fn) => fn.events.map((event) => event.http?.authorizer?.name ?? event.http?.authorizer)).filter((name) => typeof name === 'string'));
  const handled = Object.fromEntries([...service.functions].filter(([key, fn]) => fn.events.length > 0 || authorizers.has(key)).map(([key]) => [key, 0]));
  const invoke = createInvoker({ region: service.region, accountId: ACCOUNT_ID, onInvoked: (fn) => (handled[fn.key] = (handled[fn.key] ?? 0) + 1) });
  const api = { stage: service.stage, region: service.region, accountId: ACCOUNT_ID, apiId: `served-${service.name}`, binaryMediaTypes: service.binaryMediaTypes };
  const authorize = createAuthorizerRunner({ invoke, api, log });
  const sources = eventSourcesOf(service.functions, eventSourceArns);
  let inFlight = 0;
  let draining = false;
  let drained;
  const idle = [];

  function finished() {
    inFlight -= 1;
    if (inFlight === 0) for (const resolve of idle.splice(0)) resolve();
  }

  async function serveApi(request, response, url, route, correlationId) {
    const headers = lowercaseHeaders(request.headers);
    let apiKey;
    if (route.private) {
      apiKey = headers['x-api-key'];
      if (!apiKey || !apiKeys.has(apiKey)) return sendError(response, 403, 'Forbidden', 'Forbidden', correlationId);
    }
    const body = await readBody(request);
    const event = toProxyEvent({ method: request.method, url, rawHeaders: request.rawHeaders, body, route, api, apiKey, sourceIp: request.socket.remoteAddress });
    if (route.authorizer) {
      const authorizerFn = service.functions.get(route.authorizer.functionKey);
      if (!authorizerFn) return sendError(response, 500, 'InternalError', `no authorizer function ${route.authorizer.functionKey}`, correlationId);
      const decision = await authorize(route.authorizer, { fn: authorizerFn, method: request.method, path: url.pathname, headers, event });
      if (!decision.ok) return sendError(response, decision.status, decision.code, decision.message, correlationId);
      event.requestContext.authorizer = decision.authorizer;
    }
    const outcome = await invoke(service.functions.get(route.functionKey), event);
    if (!outcome.ok) {
      log(`${route.functionKey}: ${outcome.errorType}: ${outcome.errorMessage}`);
      // API Gateway's answers to a function that failed or timed out (its 29 s limit aside).
      if (outcome.errorType === 'Sandbox.Timedout') return sendError(response, 504, 'GatewayTimeout', 'Endpoint request timed out', correlationId);
      return sendError(response, 502, 'InternalError', 'Internal server error', correlationId);
    }
    return writeProxyResult(response, outcome.result, correlationId);
  }

  async function serveNonApi(request, response, url, correlationId) {
    const body = await readBody(request);
    let fn;
    let event;
    try {
      event = eventOf(body.toString('utf8'));
      fn = functionFor(event, { functions: service.functions, sources, named: url.searchParams.get('function') ?? undefined });
    } catch (error) {
      if (error instanceof NotAnEventError) return sendError(response, 400, 'ValidationError', error.message, correlationId);
      throw error;
    }
    const outcome = await invoke(fn, event);
    if (!outcome.ok) {
      log(`${fn.key}: ${outcome.errorType}: ${outcome.errorMessage}`);
      // As Lambda's Invoke answers a function error: the error, marked, so a caller fails the invocation.
      return response
        .writeHead(500, { 'content-type': 'application/json', 'x-correlation-id': correlationId, 'x-amz-function-error': 'Unhandled' })
        .end(JSON.stringify({ error: { code: 'FunctionError', message: outcome.errorMessage, details: { errorType: outcome.errorType, function: fn.key } } }));
    }
    return response
      .writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': correlationId })
      .end(JSON.stringify(outcome.result ?? null));
  }

  async function route(request, response) {
    const url = new URL(request.url, 'http://served');
    const correlationId = request.headers['x-correlation-id'] || crypto.randomUUID();
    if (url.pathname === '/health' && request.method === 'GET') {
      const body = { status: draining ? 'draining' : 'ok', service: service.name, stage: service.stage, inFlight: inFlight - 1, handled };
      return response.writeHead(draining ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    if (url.pathname === NON_API_PATH) {
      if (request.method !== 'POST') return sendError(response, 405, 'MethodNotAllowed', `${request.method} is not allowed on ${NON_API_PATH}`, correlationId);
      return serveNonApi(request, response, url, correlationId);
    }
    const candidates = service.routes.filter((r) => r.regex.test(url.pathname));
    const matched = candidates.filter((r) => r.method === request.method || r.method === 'ANY').sort((a, b) => b.score - a.score)[0];
    if (matched) return serveApi(request, response, url, matched, correlationId);
    if (candidates.length > 0) return sendError(response, 405, 'MethodNotAllowed', `${request.method} is not allowed on ${url.pathname}`, correlationId);
    // API Gateway answers an unknown route 403 ("Missing Authentication Token"); a 404 says more here.
    return sendError(response, 404, 'NotFound', `No route for ${request.method} ${url.pathname}`, correlationId);
  }

  const server = http.createServer((request, response) => {
    inFlight += 1;
    response.once('close', finished);
    if (draining) response.setHeader('connection', 'close');
    route(request, response).catch((error) => {
      log(`${request.method} ${request.url} failed: ${error.stack ?? error.message}`);
      if (response.headersSent) return response.destroy();
      return sendError(response, error.status ?? 500, error.status === 413 ? 'PayloadTooLarge' : 'InternalError', error.status ? error.message : 'Internal server error', crypto.randomUUID());
    });
  });
  server.keepAliveTimeout = 65_000; // longer than the clients' idle timeouts, as a load balancer's

  return {
    server,
    handled,
    inFlight: () => inFlight,
    /** Stops taking requests (new connections refused, idle ones closed); resolves once every request in flight is answered. */
    drain() {
      drained ??= new Promise((resolve) => {
        draining = true;
        server.close();
        server.closeIdleConnections();
        if (inFlight === 0) resolve();
        else idle.push(resolve);
      }).then(() => server.closeAllConnections());
      return drained;
    },
  };
}

module.exports = { createServedServer, NON_API_PATH };
