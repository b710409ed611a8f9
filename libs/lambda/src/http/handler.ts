import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { fromApiGateway } from '@yubl/correlation';
import { lambdaEntry, type EntryOptions } from '../entry';
import { forwardHttp } from '../forwarding/forward';
import { parseJsonBody } from './json-body';
import { errorResponse, toGatewayResponse, type GatewayResponse } from './responses';
import type { ApiGatewayEvent, HttpRequest, HttpResult, StandardSchema } from './types';
import { validateBody } from './validation';

type Core = (event: ApiGatewayEvent, context: Context) => Promise<unknown>;

export interface HttpHandlerOptions<TBody> extends EntryOptions {
  /** a Standard Schema (valibot) the body must satisfy; the handler gets its output */
  body?: StandardSchema<TBody>;
  /** larger bodies get 413 (default 64 KiB, as docs/api.md says) */
  maxBodyBytes?: number;
  /**
   * Wraps the handling in more middleware, e.g. `(core) => middy(core).use(cors())`: middy's
   * middlewares run inside the correlation context, and their errors get the contract's bodies.
   */
  chain?: (core: Core) => Core;
}

function lowercase(headers: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers) for (const name in headers) if (headers[name] !== undefined) result[name.toLowerCase()] = headers[name]!;
  return result;
}

/** The plain request a handler sees, from a REST (v1) or HTTP API (v2) event. */
export function toHttpRequest<TBody>(event: ApiGatewayEvent, body: TBody): HttpRequest<TBody> {
  const v1 = event as APIGatewayProxyEvent;
  const v2 = event as Extract<ApiGatewayEvent, { rawPath: string }>;
  const authorizer = v1.requestContext?.authorizer as { principalId?: string; lambda?: { principalId?: string } } | undefined;
  return {
    method: v1.httpMethod ?? v2.requestContext?.http?.method,
    path: v1.path ?? v2.rawPath,
    pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
    query: (event.queryStringParameters ?? {}) as Record<string, string>,
    headers: lowercase(event.headers),
    body,
    principalId: authorizer?.principalId ?? authorizer?.lambda?.principalId,
  };
}

const summary = (event: ApiGatewayEvent) => {
  const v1 = event as APIGatewayProxyEvent;
  const v2 = event as Extract<ApiGatewayEvent, { rawPath: string }>;
  return { method: v1.httpMethod ?? v2.requestContext?.http?.method, path: v1.path ?? v2.rawPath };
};

/** The entry of an HTTP function: whatever `core` returns or throws becomes API Gateway's answer. */
const httpEntry = (core: Core, options: EntryOptions) =>
  lambdaEntry<ApiGatewayEvent, unknown, GatewayResponse>({ core, capture: fromApiGateway, summary, answer: toGatewayResponse, answerError: errorResponse, forward: forwardHttp }, options);

/**
 * An API Gateway handler: `handler` takes an HttpRequest and returns an HttpResult (see ok, created,
 * noContent), or throws an @yubl/errors error. Bodies are JSON both ways (413, 415 and 400 for bodies
 * that are too large, not JSON or not valid); every response carries x-correlation-id; every log
 * line the ids of the request.
 */
export function httpHandler<TBody = unknown>(handler: (request: HttpRequest<TBody>) => Promise<HttpResult>, options: HttpHandlerOptions<TBody> = {}) {
  const { body: schema, maxBodyBytes = 64 * 1024, chain } = options;
  let core: Core = (event) => {
    const body = parseJsonBody(event, maxBodyBytes);
    if (!schema) return handler(toHttpRequest(event, body as TBody));
    return validateBody(schema, body).then((valid) => handler(toHttpRequest(event, valid)));
  };
  if (chain) core = chain(core);
  return httpEntry(core, options);
}

/**
 * An API Gateway handler that takes the raw event, for an app that parses requests itself (an
 * Express app under serverless-http): correlation, logging, x-correlation-id on the response and
 * the 500 body still come from the wrapper.
 */
export function rawHttpHandler(handler: Core, options: EntryOptions = {}) {
  return httpEntry(handler, options);
}
