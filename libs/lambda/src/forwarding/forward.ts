import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { currentContext } from '@yubl/correlation';
import { HttpError } from '@yubl/errors';
import { log } from '@yubl/logger';
import { errorResponse, toGatewayResponse, type GatewayResponse } from '../http/responses';
import type { ApiGatewayEvent } from '../http/types';

/** The served instance could not take an event: down, too slow, or it failed it. */
export class ForwardingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ForwardingError';
  }
}

/** A 502 for an API caller when the served instance did not answer. */
class ForwardingFailedError extends HttpError {
  constructor(message: string) {
    super(502, 'ForwardingFailed', message);
  }
}

/**
 * The served instance runs this very function, so handing it the event is no hop of the call
 * chain: the invocation's ids travel as they are (not as correlatedFetch would send them, one hop
 * longer), those the request did not carry added.
 */
function withInvocationIds(headers: Headers): Headers {
  const ids = currentContext()?.ids ?? {};
  for (const name in ids) if (name !== 'user-agent' && !headers.has(name)) headers.set(name, ids[name]!);
  return headers;
}

// Answered inside the function's own time, with room to answer after giving up.
const MARGIN_MS = 300;
const timeoutMs = (context: Context) => Math.max(1, context.getRemainingTimeInMillis() - MARGIN_MS);

// Hop-by-hop headers and those fetch sets itself.
const NOT_FORWARDED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect']);
const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

function requestOf(event: ApiGatewayEvent): { method: string; pathAndQuery: string; headers: Headers; body?: Buffer } {
  const v1 = event as APIGatewayProxyEvent;
  const v2 = event as Extract<ApiGatewayEvent, { rawPath: string }>;
  const headers = new Headers();
  const multi = v1.multiValueHeaders ?? {};
  const names = new Set([...Object.keys(multi), ...Object.keys(event.headers ?? {})]);
  for (const name of names) {
    if (NOT_FORWARDED.has(name.toLowerCase())) continue;
    const values = multi[name] ?? [event.headers?.[name]];
    for (const value of values) if (value !== undefined) headers.append(name, value);
  }
  let pathAndQuery: string;
  if (v2.rawPath !== undefined) pathAndQuery = v2.rawPath + (v2.rawQueryString ? `?${v2.rawQueryString}` : '');
  else {
    const query = new URLSearchParams();
    const multiQuery = v1.multiValueQueryStringParameters ?? Object.fromEntries(Object.entries(v1.queryStringParameters ?? {}).map(([k, v]) => [k, [v]]));
    for (const [name, values] of Object.entries(multiQuery)) for (const value of values ?? []) if (value !== undefined) query.append(name, value);
    const search = query.toString();
    pathAndQuery = v1.path + (search ? `?${search}` : '');
  }
  const body = event.body == null ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return { method: v1.httpMethod ?? v2.requestContext.http.method, pathAndQuery, headers, body };
}

/**
 * An API event handed to the served instance as the HTTP request it came from, and its answer as
 * API Gateway's; the served instance not answering is a 502 in the contract's shape.
 */
export async function forwardHttp(target: string, event: ApiGatewayEvent, context: Context): Promise<GatewayResponse> {
  const { method, pathAndQuery, headers, body } = requestOf(event);
  let response: Response;
  let bytes: Buffer;
  try {
    response = await fetch(`${target}${pathAndQuery}`, { method, headers: withInvocationIds(headers), body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs(context)) });
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    log.error('the served instance did not answer a forwarded request', { forwardTo: target, error });
    return errorResponse(new ForwardingFailedError(`The service did not answer (forwarded to its served instance): ${(error as Error).message}`));
  }
  const single: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie' && !NOT_FORWARDED.has(name)) single[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  const textual = TEXTUAL.test(response.headers.get('content-type') ?? 'application/json');
  const answer = toGatewayResponse({ statusCode: response.status, headers: single, body: textual ? bytes.toString('utf8') : bytes.toString('base64'), isBase64Encoded: !textual });
  if (cookies.length > 0) answer.multiValueHeaders = { 'set-cookie': cookies };
  return answer;
}

/**
 * Any other event handed to the served instance's /lambda-proxy-non-api-events for this function;
 * its answer (batchItemFailures included) is the invocation's. A failure fails the invocation, so
 * Lambda retries the event as it would a failure of the handler.
 */
export async function forwardEvent(target: string, event: unknown, context: Context): Promise<unknown> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${target}/lambda-proxy-non-api-events?function=${encodeURIComponent(context.functionName)}`, {
      method: 'POST',
      headers: withInvocationIds(new Headers({ 'content-type': 'application/json' })),
      body: JSON.stringify({ event }),
      signal: AbortSignal.timeout(timeoutMs(context)),
    });
    text = await response.text();
  } catch (error) {
    throw new ForwardingError(`the served instance at ${target} did not answer: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new ForwardingError(`the served instance at ${target} answered ${response.status}: ${text.slice(0, 500)}`);
  return text === '' ? null : JSON.parse(text);
}
