// One acceptance test case, two ways to run it: TEST_MODE=handler invokes the handler in process
// with an event shaped as AWS sends it; TEST_MODE=http goes through the local cloud's (or a
// deployed stage's, TEST_BASE_URL) gateway and event sources. The test says what happens, `when`
// decides how. Declare each endpoint or consumer once, next to the service's tests.
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, SNSEvent } from 'aws-lambda';
import { apiGatewayV1, kinesisBatch, lambdaContext, snsEvent } from './events';
import { localCloud } from './local-cloud';

export type TestMode = 'handler' | 'http';
export const testMode = (): TestMode => (process.env.TEST_MODE === 'http' ? 'http' : 'handler');

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export interface HttpEndpoint {
  method: string;
  /** the route as declared in serverless.yml, e.g. /users/{id}/following/{targetId} */
  resource: string;
  /** loads the handler, for handler mode (a dynamic import keeps http mode from loading it) */
  handler: () => Promise<Handler<any, any>>;
  /** the authorizer's principal the handler sees in handler mode (http mode sends the real token) */
  principalId?: (headers: Record<string, string>) => string | undefined;
}

export interface HttpCall {
  /** the path with its query string, e.g. /users/u1?limit=5 */
  path: string;
  headers?: Record<string, string>;
  /** a value goes as JSON; a string as it is */
  body?: unknown;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  /** the body parsed as JSON when it is JSON, else the text (undefined when empty) */
  body: any;
}

const baseUrl = () => process.env.TEST_BASE_URL ?? localCloud().baseUrl;

function parse(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Path parameters by matching a concrete path against the declared route. */
function pathParameters(resource: string, path: string): Record<string, string> {
  const names: string[] = [];
  const pattern = resource.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) throw new Error(`${path} does not match the route ${resource}`);
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
}

/** Calls an endpoint, in process or over HTTP, and answers in one shape either way. */
export async function weCall(endpoint: HttpEndpoint, call: HttpCall, mode: TestMode = testMode()): Promise<HttpAnswer> {
  const headers = { ...call.headers };
  const body = call.body === undefined || typeof call.body === 'string' ? (call.body as string | undefined) : JSON.stringify(call.body);
  if (call.body !== undefined && typeof call.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  if (mode === 'http') {
    const response = await fetch(`${baseUrl()}${call.path}`, { method: endpoint.method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: Object.fromEntries(response.headers), body: parse(text) };
  }
  // The path as sent, not normalised (`/users/./x` stays as it is, as API Gateway keeps it).
  const [pathname = '', search = ''] = call.path.split(/\?(.*)/s);
  const handler = await endpoint.handler();
  const event = apiGatewayV1({
    method: endpoint.method,
    path: pathname,
    resource: endpoint.resource,
    headers,
    body,
    pathParameters: pathParameters(endpoint.resource, pathname),
    query: search ? Object.fromEntries(new URLSearchParams(search)) : undefined,
    principalId: endpoint.principalId?.(headers),
  });
  const result = (await handler(event, lambdaContext())) as { statusCode: number; headers?: Record<string, string>; body?: string };
  const answerHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { status: result.statusCode, headers: answerHeaders, body: parse(result.body) };
}

export interface KinesisConsumer {
  /** the stream as named on the stage, e.g. yubls-local */
  stream: () => string;
  handler: () => Promise<Handler<KinesisStreamEvent, KinesisStreamBatchResponse | void>>;
  /** puts records on the real stream, for http mode (the test supplies its Kinesis client) */
  put: (records: { data: unknown; partitionKey: string }[]) => Promise<void>;
}

/**
 * Delivers records to a Kinesis consumer: in process as one batch (and answers the batch
 * response), or onto the stream for the local cloud's poller (answers undefined: await the effect
 * with eventually()).
 */
export async function weDeliver(consumer: KinesisConsumer, records: { data: unknown; partitionKey: string }[], mode: TestMode = testMode()) {
  if (mode === 'http') {
    await consumer.put(records);
    return undefined;
  }
  const handler = await consumer.handler();
  return handler(kinesisBatch(records, consumer.stream()), lambdaContext());
}

export interface SnsConsumer {
  /** the topic as named on the stage, e.g. partner-account-requests-local */
  topic: () => string;
  handler: () => Promise<Handler<SNSEvent, void>>;
  /** publishes the message on the real topic, for http mode (the test supplies its SNS client) */
  publish: (message: unknown, attributes: Record<string, string>) => Promise<void>;
  /** the function's timeout, for the remaining time the handler sees in process (default 6 s) */
  timeoutMs?: number;
}

/**
 * Delivers one SNS message to a consumer: in process as the one-record event Lambda hands it
 * (settles as the handler does: a rejection is what Lambda would retry), or onto the topic for the
 * local cloud's delivery (settles once published: await the effect with eventually()).
 * `attributes` are String message attributes (correlation ids ride there).
 */
export async function weNotify(consumer: SnsConsumer, message: unknown, attributes: Record<string, string> = {}, mode: TestMode = testMode()): Promise<void> {
  if (mode === 'http') return consumer.publish(message, attributes);
  const handler = await consumer.handler();
  await handler(snsEvent({ message, attributes, topic: consumer.topic() }), lambdaContext({ timeoutMs: consumer.timeoutMs }));
}
