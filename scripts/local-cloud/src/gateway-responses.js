'use strict';

// API Gateway's own refusals, rendered locally from what each service DECLARES
// (AWS::ApiGateway::GatewayResponse resources in its resolved config), not from a table of ours:
// a declaration that differs from docs/api.md answers differently here too.
//
// Where it differs from AWS: the refusal's type is inferred from serverless-offline's answer (its
// API-key check: 403 ForbiddenException; its authorizer: 401, or 403 for a Deny) or is the local
// gateway's own (no route: MISSING_AUTHENTICATION_TOKEN); only $context.requestId,
// $context.error.messageString, $context.error.message and $context.error.responseType are
// substituted in templates (as on AWS, no VTL runs); a refusal to a client that sent no
// x-correlation-id gets the request id in that header (AWS sends only x-amzn-RequestId then).

const crypto = require('node:crypto');

// The status API Gateway gives each type unless the declaration sets one, and its own message.
/** @type {Record<string, [number, string]>} */
const AWS_DEFAULTS = {
  ACCESS_DENIED: [403, 'User is not authorized to access this resource'],
  BAD_REQUEST_BODY: [400, 'Invalid request body'],
  BAD_REQUEST_PARAMETERS: [400, 'Missing required request parameters'],
  EXPIRED_TOKEN: [403, 'The security token included in the request is expired'],
  INVALID_API_KEY: [403, 'Forbidden'],
  INVALID_SIGNATURE: [403, 'The request signature we calculated does not match the signature you provided'],
  MISSING_AUTHENTICATION_TOKEN: [403, 'Missing Authentication Token'],
  QUOTA_EXCEEDED: [429, 'Limit Exceeded'],
  REQUEST_TOO_LARGE: [413, 'Request Too Long'],
  RESOURCE_NOT_FOUND: [404, 'Not Found'],
  THROTTLED: [429, 'Too Many Requests'],
  UNAUTHORIZED: [401, 'Unauthorized'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Unsupported Media Type'],
  WAF_FILTERED: [403, 'Forbidden'],
};

/**
 * ResponseType -> { statusCode, template, parameters } of one project's resolved config.
 * @param {any} config a resolved serverless config
 * @returns {Map<string, { statusCode?: number, template?: string, parameters: Record<string, string> }>}
 */
function declaredGatewayResponses(config) {
  const declared = new Map();
  for (const resource of Object.values(config.resources?.Resources ?? {})) {
    if (resource?.Type !== 'AWS::ApiGateway::GatewayResponse') continue;
    const { ResponseType, StatusCode, ResponseTemplates = {}, ResponseParameters = {} } = resource.Properties ?? {};
    declared.set(ResponseType, { statusCode: StatusCode === undefined ? undefined : Number(StatusCode), template: ResponseTemplates['application/json'], parameters: ResponseParameters });
  }
  return declared;
}

/**
 * Which refusal serverless-offline's answer (one without x-correlation-id: no function wrote it) stands for.
 * @param {number} status
 * @param {Record<string, string | string[] | undefined>} headers
 * @param {unknown} message
 * @returns {string}
 */
function refusalType(status, headers, message) {
  if (status === 403 && String(headers['x-amzn-errortype'] ?? '').startsWith('Forbidden') && message === 'Forbidden') return 'INVALID_API_KEY';
  return /** @type {Record<number, string>} */ ({ 400: 'BAD_REQUEST_BODY', 401: 'UNAUTHORIZED', 403: 'ACCESS_DENIED', 413: 'REQUEST_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'THROTTLED' })[status] ?? (status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
}

/**
 * The answer API Gateway would give for a refusal of `type` with these declarations: status,
 * headers, body. An undeclared type falls back to DEFAULT_4XX/5XX, and with neither declared,
 * to API Gateway's own `{"message": …}`.
 * @param {Map<string, { statusCode?: number, template?: string, parameters: Record<string, string> }>} declared
 * @param {string} type
 * @param {{ requestHeaders?: Record<string, string | string[] | undefined>, message?: string, status?: number }} [options]
 * @returns {{ status: number, headers: Record<string, string>, body: string }}
 */
function renderRefusal(declared, type, { requestHeaders = {}, message, status } = {}) {
  const [defaultStatus, defaultMessage] = AWS_DEFAULTS[type] ?? [status ?? 500, 'Internal server error'];
  const fallback = defaultStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const declaration = declared.get(type) ?? declared.get(fallback);
  const requestId = crypto.randomUUID();
  const text = message ?? defaultMessage;
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json', 'x-amzn-requestid': requestId };
  for (const [name, source] of Object.entries(declaration?.parameters ?? {})) {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(name)?.[1];
    if (!header) continue;
    const fromRequest = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
    const value = fromRequest ? requestHeaders[fromRequest.toLowerCase()] : /^'(.*)'$/.exec(source)?.[1];
    if (value !== undefined) headers[header.toLowerCase()] = String(value);
  }
  if (!headers['x-correlation-id']) headers['x-correlation-id'] = requestId;
  const body =
    declaration?.template === undefined
      ? JSON.stringify({ message: text })
      : declaration.template
          .replaceAll('$context.error.messageString', JSON.stringify(text))
          .replaceAll('$context.error.message', text)
          .replaceAll('$context.error.responseType', type)
          .replaceAll('$context.requestId', requestId);
  return { status: declaration?.statusCode ?? defaultStatus, headers, body };
}

module.exports = { declaredGatewayResponses, refusalType, renderRefusal, AWS_DEFAULTS };
