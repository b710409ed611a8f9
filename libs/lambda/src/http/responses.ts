import type { MiddlewareObj } from '@middy/core';
import { currentContext, CORRELATION_ID } from '@yubl/correlation';
import { HttpError } from '@yubl/errors';
import { log } from '@yubl/logger';
import type { ApiGatewayEvent } from './types';

interface GatewayResponse {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  isBase64Encoded?: boolean;
}

const errorBody = (code: string, message: string, details?: unknown) => JSON.stringify({ error: details ? { code, message, details } : { code, message } });

/** Turns a handler's result into API Gateway's: the body as JSON, and x-correlation-id on every response. */
function finish(result: unknown): GatewayResponse {
  const response = (result ?? { statusCode: 204 }) as { statusCode?: number; body?: unknown; headers?: Record<string, string>; isBase64Encoded?: boolean };
  const headers: Record<string, string | number | boolean> = { ...response.headers };
  const id = currentContext()?.ids[CORRELATION_ID];
  if (id) headers[CORRELATION_ID] = id;
  let body = response.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  return { statusCode: response.statusCode ?? 200, headers, ...(body === undefined ? {} : { body: body as string }), ...(response.isBase64Encoded ? { isBase64Encoded: true } : {}) };
}

/**
 * The contract's responses (API.md): thrown HttpErrors become `{"error": {code, message, details}}`
 * with their status; anything else is a 500 that says nothing of the internals, and is logged
 * with the correlation id so the caller's report can be found.
 */
export const httpResponses = (): MiddlewareObj<ApiGatewayEvent, unknown> => ({
  after: (request) => {
    request.response = finish(request.response);
  },
  onError: (request) => {
    const { error } = request;
    if (error instanceof HttpError) {
      if (error.status >= 500) log.error('request failed', error);
      else log.info('request refused', { status: error.status, code: error.code, reason: error.message });
      request.response = finish({ statusCode: error.status, headers: { 'content-type': 'application/json' }, body: errorBody(error.code, error.message, error.details) });
      return;
    }
    log.error('request failed with an unexpected error', error ?? undefined);
    const id = currentContext()?.ids[CORRELATION_ID];
    request.response = finish({
      statusCode: 500,
      headers: { 'content-type': 'application/json' },
      body: errorBody('InternalError', `Something went wrong on our side${id ? `; quote ${id} when you report it` : ''}`),
    });
  },
});
