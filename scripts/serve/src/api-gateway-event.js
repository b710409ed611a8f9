'use strict';

// An HTTP request as the API Gateway REST API (v1) Lambda proxy event its handler gets on AWS, and
// the handler's proxy result back as the HTTP answer. Written here because nothing maintained on
// npm builds events in this direction from a plain Node request (see README.md beside this file).

const crypto = require('node:crypto');

/** `{name: [values]}` from [name, value] pairs, keeping the order they came in. */
function multiValues(pairs) {
  const result = {};
  for (const [name, value] of pairs) (result[name] ??= []).push(value);
  return result;
}

/** The last value of each name, as API Gateway's single-value maps keep it. */
const lastValues = (multi) => Object.fromEntries(Object.entries(multi).map(([name, values]) => [name, values[values.length - 1]]));

/** Header pairs as the client sent them (names in their own case), from Node's rawHeaders. */
function headerPairs(rawHeaders) {
  const pairs = [];
  for (let i = 0; i < rawHeaders.length; i += 2) pairs.push([rawHeaders[i], rawHeaders[i + 1]]);
  return pairs;
}

function headerValue(pairs, name) {
  const lower = name.toLowerCase();
  for (let i = pairs.length - 1; i >= 0; i -= 1) if (pairs[i][0].toLowerCase() === lower) return pairs[i][1];
  return undefined;
}

/** A media type against the API's binaryMediaTypes (`image/png`, `image/*`, `*\/*`). */
function isBinaryMediaType(contentType, binaryMediaTypes = []) {
  const type = String(contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!type) return false;
  return binaryMediaTypes.some((declared) => {
    const [main, sub] = String(declared).toLowerCase().split('/');
    const [typeMain, typeSub] = type.split('/');
    return (main === '*' || main === typeMain) && (sub === '*' || sub === typeSub);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as the event carries it: base64 for a binary media type of the API, and for bytes that
 * are not UTF-8 (where API Gateway would mangle them; the handler gets them intact instead); else text.
 */
function eventBody(buffer, contentType, binaryMediaTypes) {
  if (buffer.length === 0) return { body: null, isBase64Encoded: false };
  if (isBinaryMediaType(contentType, binaryMediaTypes)) return { body: buffer.toString('base64'), isBase64Encoded: true };
  try {
    return { body: utf8.decode(buffer), isBase64Encoded: false };
  } catch {
    return { body: buffer.toString('base64'), isBase64Encoded: true };
  }
}

/**
 * The REST proxy event for one request:
 * - `url`: the request's URL object; `route`: {path, method, names, regex} as declared;
 * - `api`: {stage, region, accountId, apiId, binaryMediaTypes};
 * - `authorizer`: what the route's authorizer said ({principalId, ...context}), or null;
 * - `apiKey`: the key the request was let in with, if the route is private.
 */
function toProxyEvent({ method, url, rawHeaders, body, route, api, authorizer = null, apiKey, sourceIp, requestId = crypto.randomUUID() }) {
  const headers = headerPairs(rawHeaders);
  const multiValueHeaders = multiValues(headers);
  const query = [...url.searchParams];
  const multiValueQuery = multiValues(query);
  const match = route.regex.exec(url.pathname);
  const pathParameters = route.names.length > 0 ? Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1])])) : null;
  const { body: text, isBase64Encoded } = eventBody(body, headerValue(headers, 'content-type'), api.binaryMediaTypes);
  const now = new Date();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: method,
    headers: lastValues(multiValueHeaders),
    multiValueHeaders,
    queryStringParameters: query.length > 0 ? lastValues(multiValueQuery) : null,
    multiValueQueryStringParameters: query.length > 0 ? multiValueQuery : null,
    pathParameters,
    stageVariables: null,
    body: text,
    isBase64Encoded,
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      authorizer,
      domainName: headerValue(headers, 'host') ?? 'localhost',
      extendedRequestId: requestId,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: apiKey ?? null,
        apiKeyId: apiKey ? crypto.createHash('sha256').update(apiKey).digest('hex').slice(0, 10) : null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: headerValue(headers, 'user-agent') ?? null,
        userArn: null,
      },
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: now.toISOString(),
      requestTimeEpoch: now.getTime(),
      resourceId: crypto.createHash('sha256').update(`${method} ${route.path}`).digest('hex').slice(0, 6),
      resourcePath: route.path,
      stage: api.stage,
    },
  };
}

/** The method ARN an authorizer is asked about, as API Gateway names it. */
const methodArn = (api, method, path) => `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${method}/${path.replace(/^\//, '')}`;

/**
 * Writes a proxy result as the HTTP answer. What is not a proxy result (no numeric statusCode, a
 * body that is no string) is API Gateway's 502, in the contract's shape (its DEFAULT_5XX response).
 */
function writeProxyResult(response, result, correlationId) {
  if (!result || typeof result !== 'object' || !Number.isInteger(result.statusCode) || (result.body != null && typeof result.body !== 'string')) {
    return sendError(response, 502, 'InternalError', 'Internal server error', correlationId);
  }
  const headers = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = [...[].concat(headers[name] ?? []), ...values.map(String)];
  const body = result.body == null ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode, headers);
  response.end(body);
  return undefined;
}

/** An error in the contract's shape (docs/api.md), with a correlation id. */
function sendError(response, status, code, message, correlationId, headers = {}) {
  response
    .writeHead(status, { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...headers })
    .end(JSON.stringify({ error: { code, message } }));
}

module.exports = { toProxyEvent, writeProxyResult, sendError, methodArn, isBinaryMediaType, headerPairs, headerValue };
