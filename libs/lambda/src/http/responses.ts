import { CallChainTooLongError, currentContext, CORRELATION_ID, toHeaderValue } from '@yubl/correlation';
import { HttpError, SERVICE_UNAVAILABLE as UNAVAILABLE } from '@yubl/errors';
import { log } from '@yubl/logger';
import { isUnavailable } from './unavailable';

/** What API Gateway expects back from a proxy integration. */
export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, string[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

const errorBody = (code: string, message: string, details?: unknown) => JSON.stringify({ error: details ? { code, message, details } : { code, message } });

/** A handler's result as API Gateway's: the body as JSON, and x-correlation-id on every response. */
export function toGatewayResponse(result: unknown): GatewayResponse {
  const response = (result ?? { statusCode: 204 }) as { statusCode?: number; body?: unknown; headers?: Record<string, string>; isBase64Encoded?: boolean };
  const headers: Record<string, string | number | boolean> = response.headers ? { ...response.headers } : {};
  const id = currentContext()?.ids[CORRELATION_ID];
  if (id) headers[CORRELATION_ID] = toHeaderValue(id);
  let body = response.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    if (!headers['content-type']) headers['content-type'] = 'application/json';
  }
  const gateway: GatewayResponse = { statusCode: response.statusCode ?? 200, headers };
  if (body !== undefined) gateway.body = body as string;
  if (response.isBase64Encoded) gateway.isBase64Encoded = true;
  return gateway;
}

/**
 * The contract's answer to a thrown error (docs/api.md): an HttpError becomes `{"error": {code, message,
 * details}}` with its status; anything else a 500 that says nothing of the internals, logged with
 * the correlation id so that the caller's report can be found.
 */
export function errorResponse(error: unknown): GatewayResponse {
  if (error instanceof CallChainTooLongError) {
    // The request came with a call chain already at its limit (a loop, or a client's header): a
    // refusal of the request, not a bug of ours.
    log.warn('request refused: call chain too long', { length: error.length, max: error.max });
    return toGatewayResponse({ statusCode: 400, headers: { 'content-type': 'application/json' }, body: errorBody('CallChainTooLong', error.message) });
  }
  if (!(error instanceof HttpError) && isUnavailable(error)) {
    // A dependency timed out or refused: answered in the contract's shape (ServiceUnavailableError's)
    // well before Lambda's own timeout would have cut the invocation off with no body at all.
    log.warn('request failed: a dependency is unavailable', { error: String(error) });
    return toGatewayResponse({ statusCode: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: errorBody('ServiceUnavailable', UNAVAILABLE) });
  }
  if (error instanceof HttpError) {
    if (error.status >= 500) log.error('request failed', error);
    else log.info('request refused', { status: error.status, code: error.code, reason: error.message });
    return toGatewayResponse({ statusCode: error.status, headers: { 'content-type': 'application/json' }, body: errorBody(error.code, error.message, error.details) });
  }
  log.error('request failed with an unexpected error', error instanceof Error ? error : { error: String(error) });
  const id = currentContext()?.ids[CORRELATION_ID];
  return toGatewayResponse({
    statusCode: 500,
    headers: { 'content-type': 'application/json' },
    body: errorBody('InternalError', `Something went wrong on our side${id ? `; quote ${id} when you report it` : ''}`),
  });
}
