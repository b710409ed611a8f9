// Builders for the events AWS hands to functions, for tests that invoke handlers in process. Each
// takes only what a test cares about and fills in the rest; the shapes of the events an event
// source delivers are @yubl/lambda-events', the ones the local cloud delivers too. API Gateway's
// proxy events are built here only: locally serverless-offline builds them, as API Gateway does.
import { awslogsEvent, kinesisEvent, scheduledEvent, snsEvent as snsNotification } from '@yubl/lambda-events';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, CloudWatchLogsEvent, Context, KinesisStreamEvent, ScheduledEvent, SNSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export interface HttpEventInput {
  method?: string;
  path: string;
  /** the route as declared, e.g. /users/{id}; defaults to the path */
  resource?: string;
  headers?: Record<string, string>;
  /** a value is sent as JSON (with content-type: application/json unless headers say otherwise) */
  body?: unknown;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  principalId?: string;
}

function bodyAndHeaders(input: HttpEventInput) {
  const headers = { ...input.headers };
  let body: string | null = null;
  if (input.body !== undefined) {
    body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    if (typeof input.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  return { headers, body };
}

/** API Gateway REST API (v1) proxy event. */
export function apiGatewayV1(input: HttpEventInput): APIGatewayProxyEvent {
  const { headers, body } = bodyAndHeaders(input);
  const method = input.method ?? 'GET';
  return {
    resource: input.resource ?? input.path,
    path: input.path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: input.query ? Object.fromEntries(Object.entries(input.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test-api',
      authorizer: input.principalId ? { principalId: input.principalId } : null,
      httpMethod: method,
      identity: { sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? null } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/test${input.path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'test',
      resourcePath: input.resource ?? input.path,
      stage: 'test',
    },
  };
}

/** API Gateway HTTP API (v2) event: headers arrive lowercased. */
export function apiGatewayV2(input: HttpEventInput): APIGatewayProxyEventV2 {
  const { headers, body } = bodyAndHeaders(input);
  const method = input.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: `${method} ${input.resource ?? input.path}`,
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    queryStringParameters: input.query,
    pathParameters: input.pathParameters,
    body: body ?? undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test-api',
      domainName: 'test.local',
      domainPrefix: 'test',
      http: { method, path: input.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: `${method} ${input.resource ?? input.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

export interface KinesisRecordInput {
  /** a value is sent as JSON; a string as it is (to send records that are not JSON) */
  data: unknown;
  partitionKey?: string;
  /** correlation ids riding in the record's `__context__` */
  context?: Record<string, string>;
}

let sequence = 49_600_000_000_000_000_000_000_000_000_000_000_000_000_000n;

/** A Kinesis batch as Lambda delivers it. */
export function kinesisBatch(records: KinesisRecordInput[], streamName = 'test-stream'): KinesisStreamEvent {
  return kinesisEvent(
    records.map((record) => {
      sequence += 1n;
      const payload = typeof record.data === 'string' ? record.data : JSON.stringify(record.context ? { ...(record.data as object), __context__: record.context } : record.data);
      return {
        partitionKey: record.partitionKey ?? 'key',
        sequenceNumber: String(sequence),
        data: payload,
        approximateArrivalTimestamp: Date.now() / 1000,
        shardId: 'shardId-000000000000',
        streamArn: `arn:aws:kinesis:eu-west-1:000000000000:stream/${streamName}`,
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::000000000000:role/test',
      };
    }),
  );
}

export interface SnsMessageInput {
  message: unknown;
  /** String message attributes (correlation ids ride here) */
  attributes?: Record<string, string>;
  topic?: string;
}

/** An SNS notification as Lambda delivers it: one record. */
export function snsEvent({ message, attributes = {}, topic = 'test-topic' }: SnsMessageInput): SNSEvent {
  const topicArn = `arn:aws:sns:eu-west-1:000000000000:${topic}`;
  return snsNotification({
    subscriptionArn: `${topicArn}:${randomUUID()}`,
    messageId: randomUUID(),
    topicArn,
    subject: '',
    message: typeof message === 'string' ? message : JSON.stringify(message),
    timestamp: new Date().toISOString(),
    messageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { Type: 'String', Value: value }])),
    signature: 'TEST',
    signingCertUrl: 'https://sns.test/cert.pem',
    unsubscribeUrl: 'https://sns.test/unsubscribe',
  });
}

/**
 * A CloudWatch Logs subscription event (what a log shipper receives): gzipped, base64. Event ids
 * are the messages' positions unless `ids` are given (a shipper stores by id: tests against a
 * shared store need ids of their own).
 */
export function cloudWatchLogsEvent(messages: string[], logGroup = '/aws/lambda/test', ids?: readonly string[]): CloudWatchLogsEvent {
  return awslogsEvent({
    messageType: 'DATA_MESSAGE',
    owner: '000000000000',
    logGroup,
    logStream: '2026/01/01/[$LATEST]0123456789abcdef',
    subscriptionFilters: ['ship-logs'],
    logEvents: messages.map((message, index) => ({ id: ids?.[index] ?? String(index), timestamp: Date.now(), message })),
  });
}

/** An EventBridge schedule event. */
export function scheduleEvent(rule = 'test-schedule'): ScheduledEvent {
  return scheduledEvent({ id: randomUUID(), account: '000000000000', region: 'eu-west-1', ruleArn: `arn:aws:events:eu-west-1:000000000000:rule/${rule}`, time: new Date() });
}

/** The ping serverless-plugin-warmup sends. */
export const warmupEvent = () => ({ source: 'serverless-plugin-warmup' });

/** A Lambda context: a fresh request id, and a remaining time counting down from `timeoutMs`. */
export function lambdaContext({ functionName = 'test-function', timeoutMs = 6_000 }: { functionName?: string; timeoutMs?: number } = {}): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
