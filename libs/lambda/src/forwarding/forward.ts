import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { currentContext } from '@yubl/correlation';
import { HttpError } from '@yubl/errors';
import { errorResponse, toGatewayResponse, type GatewayResponse } from '../http/responses';
import type { ApiGatewayEvent } from '../http/types';

/** The served instance could not take an event: down, too slow, or it failed it. */
export class ForwardingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ForwardingError';
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

/** The HTTP request a REST API (v1) event came from. (No service has an HTTP API, v2, to forward.) */
function requestOf(event: APIGatewayProxyEvent): { pathAndQuery: string; headers: Headers; body?: Buffer } {
  const headers = new Headers();
  const multi = event.multiValueHeaders ?? {};
  for (const name of new Set([...Object.keys(multi), ...Object.keys(event.headers ?? {})])) {
    if (NOT_FORWARDED.has(name.toLowerCase())) continue;
    for (const value of multi[name] ?? [event.headers[name]]) if (value !== undefined) headers.append(name, value);
  }
  const query = new URLSearchParams();
  const multiQuery = event.multiValueQueryStringParameters ?? {};
  for (const name of new Set([...Object.keys(multiQuery), ...Object.keys(event.queryStringParameters ?? {})])) {
    for (const value of multiQuery[name] ?? [event.queryStringParameters![name]]) if (value !== undefined) query.append(name, value);
  }
  const search = query.toString();
  const body = event.body == null ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return { pathAndQuery: event.path + (search ? `?${search}` : ''), headers, body };
}

/**
 * An API event handed to the served instance as the HTTP request it came from, and its answer as
 * API Gateway's; the served instance not answering is a 502 in the contract's shape.
 */
export async function forwardHttp(target: string, event: ApiGatewayEvent, context: Context): Promise<GatewayResponse> {
  const { pathAndQuery, headers, body } = requestOf(event as APIGatewayProxyEvent);
  let response: Response;
  let bytes: Buffer;
  try {
    response = await fetch(`${target}${pathAndQuery}`, { method: (event as APIGatewayProxyEvent).httpMethod, headers: withInvocationIds(headers), body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs(context)) });
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    // A 502 for the caller (errorResponse logs it, with the ids).
    return errorResponse(new HttpError(502, 'ForwardingFailed', `The service did not answer (forwarded to its served instance): ${(error as Error).message}`));
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
