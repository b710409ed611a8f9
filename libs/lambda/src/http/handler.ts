import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { fromApiGateway } from '@yubl/correlation';
import { chainOf, lambdaEntry, type EntryOptions } from '../entry';
import { jsonBody, type JsonBodyOptions } from './json-body';
import { httpResponses } from './responses';
import type { ApiGatewayEvent, HttpRequest, HttpResult, StandardSchema } from './types';
import { validateBody } from './validation';

export interface HttpHandlerOptions<TBody> extends EntryOptions, JsonBodyOptions {
  /** a Standard Schema (valibot) the body must satisfy; the handler gets its output */
  body?: StandardSchema<TBody>;
}

function lowercase(headers: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers) for (const name in headers) if (headers[name] !== undefined) result[name.toLowerCase()] = headers[name]!;
  return result;
}

/** The plain request a handler sees, from a REST (v1) or HTTP API (v2) event. */
export function toHttpRequest<TBody>(event: ApiGatewayEvent): HttpRequest<TBody> {
  const v1 = event as APIGatewayProxyEvent;
  const v2 = event as Extract<ApiGatewayEvent, { rawPath: string }>;
  const authorizer = v1.requestContext?.authorizer as { principalId?: string; lambda?: { principalId?: string } } | undefined;
  return {
    method: v1.httpMethod ?? v2.requestContext?.http?.method,
    path: v1.path ?? v2.rawPath,
    pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
    query: (event.queryStringParameters ?? {}) as Record<string, string>,
    headers: lowercase(event.headers),
    body: event.body as TBody,
    principalId: authorizer?.principalId ?? authorizer?.lambda?.principalId,
  };
}

const summary = (event: ApiGatewayEvent) => {
  const request = toHttpRequest(event);
  return { method: request.method, path: request.path };
};

/**
 * An API Gateway handler: `handler` takes an HttpRequest and returns an HttpResult (see ok, created,
 * noContent), or throws an @yubl/errors error. Bodies are JSON both ways; every response carries
 * x-correlation-id; every log line the ids of the request.
 */
export function httpHandler<TBody = unknown>(handler: (request: HttpRequest<TBody>) => Promise<HttpResult>, options: HttpHandlerOptions<TBody> = {}) {
  // The chain's result is the handler's HttpResult until httpResponses turns it into API Gateway's.
  const chain = chainOf<ApiGatewayEvent, unknown>((event) => handler(toHttpRequest<TBody>(event)))
    .use(httpResponses())
    .use(jsonBody(options));
  if (options.body) chain.use(validateBody(options.body));
  return lambdaEntry(chain, fromApiGateway, summary, options);
}

/**
 * An API Gateway handler that takes the raw event, for an app that parses requests itself (an
 * Express app under serverless-http): correlation, logging, x-correlation-id on the response and
 * the 500 body still come from the wrapper.
 */
export function rawHttpHandler(handler: (event: ApiGatewayEvent, context: Context) => Promise<unknown>, options: EntryOptions = {}) {
  const chain = chainOf<ApiGatewayEvent, unknown>(handler).use(httpResponses());
  return lambdaEntry(chain, fromApiGateway, summary, options);
}
