// The local cloud as a whole, proven with the fixture project (test/fixture): its own cloud is
// started and stopped here through the command line, as ./build.sh does, and every assertion is
// about what the running gateway, pollers and SNS delivery did.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DisableRuleCommand, EnableRuleCommand, EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { randomUUID } from 'node:crypto';
import {
  cloudHealth,
  eventually,
  kill,
  localClientConfig,
  localCloudCli,
  localCloudProcess,
  localCloudServiceProcess,
  recovered,
  redrive,
  startLocalCloud,
  whilePaused,
  type LocalCloudEndpoints,
  type StartedCloud,
} from '@yubl/test-harness';
import { portOpen } from '../../src/offline';
import { readState } from '../../src/cloud';
import { alive } from '../../src/children';

let started: StartedCloud;
let cloud: LocalCloudEndpoints;
let dynamodb: DynamoDBClient;
let kinesis: KinesisClient;
let sqs: SQSClient;
let sns: SNSClient;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;
let eventBridge: EventBridgeClient;
let failuresQueueUrl: string;

beforeAll(async () => {
  started = await startLocalCloud({ name: 'fixture-cloud', projects: ['scripts/local-cloud/test/fixture'] });
  ({ cloud } = started);
  dynamodb = new DynamoDBClient(localClientConfig('dynamodb', cloud));
  kinesis = new KinesisClient({ ...localClientConfig('kinesis', cloud), requestHandler: new NodeHttpHandler() });
  sqs = new SQSClient(localClientConfig('sqs', cloud));
  sns = new SNSClient(localClientConfig('sns', cloud));
  lambda = new LambdaClient(localClientConfig('lambda', cloud));
  logs = new CloudWatchLogsClient(localClientConfig('logs', cloud));
  eventBridge = new EventBridgeClient(localClientConfig('eventbridge', cloud));
  ({ QueueUrl: failuresQueueUrl } = (await sqs.send(new GetQueueUrlCommand({ QueueName: `local-cloud-fixture-failures-${cloud.stage}` }))) as { QueueUrl: string });
}, 200_000);

afterAll(async () => {
  for (const client of [dynamodb, kinesis, sqs, sns, lambda, logs, eventBridge]) client?.destroy();
  await started?.stop();
}, 60_000);

interface Delivery {
  id: string;
  deliveries: number;
  ordinals: number[];
  sequenceNumber?: string;
  attributes?: Record<string, string>;
}

/** What the fixture functions wrote down for one test run: every message, how often and when it arrived. */
async function deliveriesOf(runId: string): Promise<Map<string, Delivery>> {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({ TableName: `local-cloud-fixture-deliveries-${cloud.stage}`, KeyConditionExpression: 'pk = :run', ExpressionAttributeValues: { ':run': { S: runId } } }),
  );
  return new Map(
    Items.filter((item) => !item.sk!.S!.startsWith('#')).map((item) => [
      item.sk!.S!,
      {
        id: item.sk!.S!,
        deliveries: Number(item.deliveries!.N),
        ordinals: item.ordinals!.L!.map((o) => Number(o.N)),
        sequenceNumber: item.sequenceNumber?.S,
        attributes: item.attributes?.S ? JSON.parse(item.attributes.S) : undefined,
      },
    ]),
  );
}

const id = (key: string, n: number) => `${key}#${String(n).padStart(6, '0')}`;

async function putRecords(records: { key: string; n: number; failTimes?: number }[], runId: string) {
  const { FailedRecordCount } = await kinesis.send(
    new PutRecordsCommand({
      StreamName: `local-cloud-fixture-events-${cloud.stage}`,
      Records: records.map((record) => ({ PartitionKey: record.key, Data: Buffer.from(JSON.stringify({ run: runId, ...record })) })),
    }),
  );
  expect(FailedRecordCount).toBe(0);
}

/** Reads on-failure records off the fixture's queue until `match` finds one. */
async function failureRecord(match: (record: Record<string, any>) => boolean) {
  const seen: Record<string, any>[] = [];
  return eventually(async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failuresQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const message of Messages) {
      seen.push(JSON.parse(message.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: failuresQueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    const found = seen.find(match);
    if (!found) throw new Error(`no matching on-failure record among ${seen.length}`);
    return found;
  }, { timeout: 20_000, interval: 50 });
}

describe('the local cloud', () => {
  it('serves /health with every part ready, and a second start says one is running', async () => {
    const response = await fetch(`${cloud.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready', parts: { 'service:fixture': 'ready', 'event-sources': 'ready' } });
    await expect(localCloudCli(['up', ...started.args])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/already running/) });
  });

  it('routes HTTP through the gateway with API keys and authorizers working as on API Gateway', async () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${cloud.baseUrl}${path}`, { headers });
    const hello = await get('/fixture/hello');
    expect(hello.status).toBe(200);
    expect(await hello.json()).toMatchObject({ kinesisEndpoint: cloud.endpoints.kinesis });
    expect((await get('/fixture/private')).status).toBe(403);
    expect((await get('/fixture/private', { 'x-api-key': 'wrong' })).status).toBe(403);
    expect((await get('/fixture/private', { 'x-api-key': cloud.apiKeys.fixture! })).status).toBe(200);
    expect((await get('/fixture/guarded')).status).toBe(401);
    expect((await get('/fixture/guarded', { authorization: 'Bearer wrong' })).status).toBe(401);
    const guarded = await get('/fixture/guarded', { authorization: 'Bearer let-me-in' });
    expect(guarded.status).toBe(200);
    expect(await guarded.json()).toMatchObject({ principalId: 'fixture-user' });
  });

  it('hands a function the body as it was sent, a bare JSON string included', async () => {
    for (const body of ['"x"', '" "', '{"a":1}', '7', 'not json']) {
      const answer = await fetch(`${cloud.baseUrl}/fixture/hello`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(await answer.json()).toMatchObject({ body });
    }
  });

  it('invokes functions through the Lambda API, synchronously', async () => {
    const { StatusCode, Payload, FunctionError } = await lambda.send(new InvokeCommand({ FunctionName: `local-cloud-fixture-${cloud.stage}-hello`, Payload: JSON.stringify({ path: '/direct', requestContext: {} }) }));
    expect(StatusCode).toBe(200);
    expect(FunctionError).toBeUndefined();
    expect(JSON.parse(JSON.parse(Buffer.from(Payload!).toString()).body)).toMatchObject({ path: '/direct' });
  });
});

describe('Kinesis event sources', () => {
  it('retry a failed record from its own sequence number without redelivering the records before it', async () => {
    const runId = randomUUID();
    await putRecords([0, 1, 2, 3, 4, 5].map((n) => ({ key: 'k', n, failTimes: n === 3 ? 2 : 0 })), runId);
    const seen = await eventually(async () => {
      const found = await deliveriesOf(runId);
      expect(found.size).toBe(6);
      return found;
    }, { timeout: 20_000 });
    for (const n of [0, 1, 2]) expect(seen.get(id('k', n))?.deliveries).toBe(1);
    expect(seen.get(id('k', 3))?.deliveries).toBe(3);
    // the records after the failure come after its successful delivery
    const succeeded = Math.max(...seen.get(id('k', 3))!.ordinals);
    for (const n of [4, 5]) expect(Math.min(...seen.get(id('k', n))!.ordinals)).toBeGreaterThan(succeeded);
  });

  it('send a record failing past maximumRetryAttempts to the on-failure destination, and the shard moves on', async () => {
    const runId = randomUUID();
    await putRecords([{ key: 'poison', n: 0, failTimes: 1_000 }], runId);
    const poison = await eventually(async () => {
      const found = (await deliveriesOf(runId)).get(id('poison', 0));
      expect(found?.deliveries).toBe(3); // the first delivery and maximumRetryAttempts (2) retries
      return found!;
    }, { timeout: 20_000 });
    const record = await failureRecord((r) => r.KinesisBatchInfo?.startSequenceNumber === poison.sequenceNumber);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', functionArn: expect.stringContaining(`local-cloud-fixture-${cloud.stage}-consume`) },
      KinesisBatchInfo: { batchSize: 1, streamArn: expect.stringContaining(`stream/local-cloud-fixture-events-${cloud.stage}`) },
    });
    await putRecords([{ key: 'poison', n: 1 }], runId);
    await eventually(async () => expect((await deliveriesOf(runId)).get(id('poison', 1))?.deliveries).toBe(1), { timeout: 20_000 });
  });

  it('keep the order of records within a partition key, across retries', async () => {
    const runId = randomUUID();
    const keys = ['a', 'b', 'c', 'd'];
    const records = [];
    for (let n = 0; n < 10; n += 1) for (const key of keys) records.push({ key, n, failTimes: (n * 7 + key.charCodeAt(0)) % 5 === 0 ? 1 : 0 });
    await putRecords(records, runId);
    const seen = await eventually(async () => {
      const found = await deliveriesOf(runId);
      expect(found.size).toBe(records.length);
      return found;
    }, { timeout: 30_000 });
    for (const key of keys) {
      for (let n = 1; n < 10; n += 1) {
        const previousDone = Math.max(...seen.get(id(key, n - 1))!.ordinals);
        expect(Math.min(...seen.get(id(key, n))!.ordinals)).toBeGreaterThan(previousDone);
      }
    }
    expect([...seen.values()].some((d) => d.deliveries > 1)).toBe(true); // retries did happen
  });
});

describe('SNS delivery', () => {
  const topicArn = () => `arn:aws:sns:${cloud.region}:000000000000:local-cloud-fixture-notifications-${cloud.stage}`;

  it('hands the message and its String attributes to the subscribed function, retrying a failed delivery', async () => {
    const runId = randomUUID();
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn(),
        Message: JSON.stringify({ run: runId, id: 'm1', failTimes: 1 }),
        MessageAttributes: { 'x-correlation-id': { DataType: 'String', StringValue: 'corr-1' } },
      }),
    );
    const delivery = await eventually(async () => {
      const found = (await deliveriesOf(runId)).get('m1');
      expect(found?.deliveries).toBe(2);
      return found!;
    }, { timeout: 20_000 });
    expect(delivery.attributes).toEqual({ 'x-correlation-id': 'corr-1' });
  });

  it('sends an event that fails every retry to the function on-failure destination, the retries 1 s and then 2 s apart', async () => {
    const runId = randomUUID();
    const publishedAt = Date.now();
    await sns.send(new PublishCommand({ TopicArn: topicArn(), Message: JSON.stringify({ run: runId, id: 'm2', failTimes: 1_000 }) }));
    const record = await failureRecord((r) => r.requestPayload?.Records?.[0]?.Sns?.Message?.includes(runId));
    expect(record).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 }, responseContext: { functionError: 'Unhandled' } });
    // Lambda waits about a minute, then two; the local cloud 1 s, then 2 s (LOCAL_CLOUD_ASYNC_RETRY_DELAY_MS).
    expect(Date.parse(record.timestamp) - publishedAt).toBeGreaterThanOrEqual(3_000);
    expect((await deliveriesOf(runId)).get('m2')?.deliveries).toBe(3);
  });
});

describe('Lambda Invoke, InvocationType Event (src/gateway.js, then src/lambda-invoker.js)', () => {
  const notify = () => `local-cloud-fixture-${cloud.stage}-notify`;
  /** What SNS would hand the notify function: its handler reads the message's run, id and failTimes. */
  const notification = (message: { run: string; id: string; failTimes?: number }) => ({
    Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: `arn:aws:sns:${cloud.region}:000000000000:invoked-directly`, Message: JSON.stringify(message), MessageAttributes: {} } }],
  });

  it('answers 202 with no payload, then runs the function once', async () => {
    const runId = randomUUID();
    const { StatusCode, Payload, FunctionError } = await lambda.send(new InvokeCommand({ FunctionName: notify(), InvocationType: 'Event', Payload: JSON.stringify(notification({ run: runId, id: 'async-ok' })) }));
    expect(StatusCode).toBe(202);
    expect(FunctionError).toBeUndefined();
    expect(Buffer.from(Payload ?? []).length).toBe(0);
    await eventually(async () => expect((await deliveriesOf(runId)).get('async-ok')?.deliveries).toBe(1), { timeout: 20_000 });
    // Once: a success is not retried (the first retry would come 1 s after a failure; watched for 2.5 s).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await deliveriesOf(runId)).get('async-ok')?.deliveries).toBe(1);
  });

  it('retries a failing function twice, then sends Lambda`s invocation record to its on-failure destination', async () => {
    const runId = randomUUID();
    const { StatusCode } = await lambda.send(
      new InvokeCommand({ FunctionName: `arn:aws:lambda:${cloud.region}:000000000000:function:${notify()}`, InvocationType: 'Event', Payload: JSON.stringify(notification({ run: runId, id: 'async-poison', failTimes: 1_000 })) }),
    );
    expect(StatusCode).toBe(202);
    const record = await failureRecord((r) => r.requestPayload?.Records?.[0]?.Sns?.Message?.includes(runId));
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringContaining(`function:${notify()}`) },
      responseContext: { functionError: 'Unhandled' },
      requestPayload: notification({ run: runId, id: 'async-poison', failTimes: 1_000 }),
    });
    expect((await deliveriesOf(runId)).get('async-poison')?.deliveries).toBe(3);
  });

  it('refuses a payload that is not JSON (400 InvalidRequestContentException) and an unknown function (404)', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: notify(), InvocationType: 'Event', Payload: Buffer.from('{"run": not json') }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(lambda.send(new InvokeCommand({ FunctionName: `${notify()}-missing`, InvocationType: 'Event', Payload: JSON.stringify({}) }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });
});

describe('CloudWatch Logs', () => {
  const fixtureFunction = (key: string) => `local-cloud-fixture-${cloud.stage}-${key}`;

  it("stores a function's lines in its log group, a stream per worker, between Lambda's START, END and REPORT", async () => {
    const { Payload } = await lambda.send(new InvokeCommand({ FunctionName: fixtureFunction('hello'), Payload: Buffer.from(JSON.stringify({ path: '/fixture/hello' })) }));
    expect(Payload).toBeDefined();
    const group = `/aws/lambda/${fixtureFunction('hello')}`;
    const messages = await eventually(async () => {
      const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
      const found = events.map((e) => e.message!);
      expect(found.some((m) => m.startsWith('REPORT RequestId: '))).toBe(true);
      return events;
    });
    const [start, report] = [messages.find((e) => e.message!.startsWith('START '))!, messages.find((e) => e.message!.startsWith('REPORT '))!];
    const requestId = /^START RequestId: (\S+) Version: \$LATEST$/.exec(start.message!)![1];
    expect(messages.some((e) => e.message === `END RequestId: ${requestId}`)).toBe(true);
    expect(report.message).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\tDuration: \\d+\\.\\d{2} ms\tBilled Duration: \\d+ ms\tMemory Size: \\d+ MB\tMax Memory Used: \\d+ MB\tInit Duration: \\d+\\.\\d{2} ms\t$`));
    expect(start.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(new Set(messages.map((e) => e.logStreamName))).toEqual(new Set([start.logStreamName]));
  });

  it('ends an invocation that outruns its timeout as Lambda does: "Task timed out after N seconds", END, a REPORT billed the timeout with Status: timeout', async () => {
    // One attempt: the SDK's own retries would be invocations of their own.
    const once = new LambdaClient({ ...localClientConfig('lambda', cloud), maxAttempts: 1 });
    await once.send(new InvokeCommand({ FunctionName: fixtureFunction('sleepy') })).catch(() => undefined);
    const group = `/aws/lambda/${fixtureFunction('sleepy')}`;
    const messages = await eventually(async () => {
      const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
      expect(events.some((e) => e.message!.startsWith('REPORT '))).toBe(true);
      return events.map((e) => e.message!);
    });
    const requestId = /^START RequestId: (\S+) Version: \$LATEST$/.exec(messages.find((m) => m.startsWith('START '))!)![1]!;
    expect(messages.filter((m) => m.includes('Task timed out'))).toEqual([expect.stringMatching(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z ${requestId} Task timed out after 1\\.\\d{2} seconds$`))]);
    expect(messages).toContain(`END RequestId: ${requestId}`);
    expect(messages.find((m) => m.startsWith('REPORT '))).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\tDuration: 1\\d{3}\\.\\d{2} ms\tBilled Duration: 1000 ms\t.*\tStatus: timeout\t$`));
  });

  it('delivers a control message when a filter is created, then every event once, batched, gzipped and base64-encoded', async () => {
    const group = `/test/subscriptions/${randomUUID()}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'stream-a' }));
    await logs.send(new PutSubscriptionFilterCommand({ logGroupName: group, filterName: 'to-sink', filterPattern: '', destinationArn: `arn:aws:lambda:${cloud.region}:000000000000:function:${fixtureFunction('log-sink')}` }));
    const now = Date.now();
    const written = Array.from({ length: 50 }, (_, i) => ({ timestamp: now + i, message: `line ${i}` }));
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'stream-a', logEvents: written }));

    const deliveries = await eventually(async () => {
      const found = await deliveriesOf(group);
      expect([...found.keys()].filter((k) => k.startsWith('event#'))).toHaveLength(50);
      return found;
    });
    expect((await deliveriesOf('log-sink#control')).get('control')?.deliveries).toBeGreaterThanOrEqual(1);
    const events = [...deliveries.values()].filter((d) => d.id.startsWith('event#'));
    expect(events.every((d) => d.deliveries === 1)).toBe(true);
    const batches = [...deliveries.values()].filter((d) => d.id.startsWith('batch#'));
    // Many events a delivery: 50 lines written at once leave in far fewer invocations.
    expect(batches.length).toBeLessThanOrEqual(5);
    const { events: stored = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(new Set(events.map((d) => d.id.replace(/^event#/, '')))).toEqual(new Set(stored.map((e) => e.eventId)));
  });

  it('announces a new log group to the EventBridge rules that match it, and not while the rule is disabled', async () => {
    const { Rules = [] } = await eventBridge.send(new ListRulesCommand({ NamePrefix: fixtureFunction('on-log-group-created') }));
    expect(Rules).toHaveLength(1);
    const rule = Rules[0]!.Name!;
    const announced = `/fixture/${randomUUID()}`;
    const unmatched = `/other/${randomUUID()}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: unmatched }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: announced }));
    await eventually(async () => expect((await deliveriesOf(`api-call#${announced}`)).get('CreateLogGroup')?.deliveries).toBe(1));

    await eventBridge.send(new DisableRuleCommand({ Name: rule }));
    const whileOff = `/fixture/${randomUUID()}`;
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: whileOff }));
    } finally {
      await eventBridge.send(new EnableRuleCommand({ Name: rule }));
    }
    // Proven by what came after it: a group created once the rule is back on is delivered, and by
    // then neither the unmatched group nor the one created while it was off ever was.
    const after = `/fixture/${randomUUID()}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: after }));
    await eventually(async () => expect((await deliveriesOf(`api-call#${after}`)).get('CreateLogGroup')?.deliveries).toBe(1));
    expect((await deliveriesOf(`api-call#${whileOff}`)).size).toBe(0);
    expect((await deliveriesOf(`api-call#${unmatched}`)).size).toBe(0);
  });
});

describe('./build.sh redrive', () => {
  it("re-delivers the failure queue's asynchronous events and Kinesis batches to their function, deleting each only once delivered", async () => {
    // The queue holds only this test's records: what earlier tests left is taken off first.
    for (let left = 1; left > 0; ) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failuresQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: failuresQueueUrl, ReceiptHandle: message.ReceiptHandle }));
      left = Messages.length;
    }
    const runId = randomUUID();
    // Each fails its three attempts (the first and two retries) into the queue: one asynchronous
    // event that a fourth delivery gets through, one that fails forever, one Kinesis record.
    const topicArn = `arn:aws:sns:${cloud.region}:000000000000:local-cloud-fixture-notifications-${cloud.stage}`;
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ run: runId, id: 'redriven', failTimes: 3 }) }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ run: runId, id: 'hopeless', failTimes: 1_000 }) }));
    await putRecords([{ key: 'redrive', n: 0, failTimes: 3 }], runId);
    await eventually(async () => {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: failuresQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      expect(Number(Attributes!.ApproximateNumberOfMessages)).toBe(3);
    }, { timeout: 30_000, interval: 250 });
    const delivered = await deliveriesOf(runId);
    expect([delivered.get('redriven')?.deliveries, delivered.get('hopeless')?.deliveries, delivered.get(id('redrive', 0))?.deliveries]).toEqual([3, 3, 3]);

    expect(await redrive(`local-cloud-fixture-failures-${cloud.stage}`, started.stateDir)).toEqual({ redelivered: 2, async: 1, kinesisBatches: 1, kinesisRecords: 1, failed: 1, recordsGone: 0, unrecognised: 0, left: 1 });
    const after = await deliveriesOf(runId);
    expect([after.get('redriven')?.deliveries, after.get('hopeless')?.deliveries, after.get(id('redrive', 0))?.deliveries]).toEqual([4, 4, 4]);
    // The record came from the stream itself: the same sequence number the mapping delivered.
    expect(after.get(id('redrive', 0))?.sequenceNumber).toBe(delivered.get(id('redrive', 0))?.sequenceNumber);
    // Only the one that failed again is left (hidden while the redrive's visibility timeout runs).
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: failuresQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible)).toBe(1);
  });
});

// Last but one: these kill the cloud's processes (the emulators lose what they held).
describe('surviving its parts', () => {
  const restartsOf = async (part: string) => (await cloudHealth(cloud.baseUrl)).processes[part]!.restarts;

  it('reports a paused emulator as not answering (503), and ready again once it goes on', async () => {
    const during = await whilePaused(localCloudProcess('run-emulator.js dynamodb', started.stateDir), () => cloudHealth(cloud.baseUrl));
    expect(during).toMatchObject({ httpStatus: 503, status: 'degraded', parts: { dynamodb: 'not answering', kinesis: 'ready' } });
    expect(await cloudHealth(cloud.baseUrl)).toMatchObject({ httpStatus: 200, status: 'ready' });
  });

  it('restarts a killed Kinesis with its streams, says what it lost, and its mapping delivers what is put after', async () => {
    const before = await restartsOf('kinesis');
    kill(localCloudProcess('run-emulator.js kinesis', started.stateDir));
    expect((await cloudHealth(cloud.baseUrl)).httpStatus).toBe(503);
    const health = await recovered(cloud.baseUrl, 'kinesis', before);
    expect(health.processes.kinesis).toMatchObject({ lastRestart: { reason: 'exited (SIGKILL)' }, onRestart: { loses: expect.stringMatching(/every record/) } });
    const runId = randomUUID();
    await putRecords([0, 1, 2].map((n) => ({ key: 'after-restart', n })), runId);
    await eventually(async () => expect([...(await deliveriesOf(runId)).values()].map((d) => d.deliveries)).toEqual([1, 1, 1]), { timeout: 20_000 });
  });

  it('restarts a killed DynamoDB with its tables, empty', async () => {
    const runId = randomUUID();
    await putRecords([{ key: 'before', n: 0 }], runId);
    await eventually(async () => expect((await deliveriesOf(runId)).size).toBe(1), { timeout: 20_000 });
    const before = await restartsOf('dynamodb');
    kill(localCloudProcess('run-emulator.js dynamodb', started.stateDir));
    await recovered(cloud.baseUrl, 'dynamodb', before);
    expect((await deliveriesOf(runId)).size).toBe(0); // lost, as /health says
    await putRecords([{ key: 'after', n: 0 }], runId);
    await eventually(async () => expect([...(await deliveriesOf(runId)).keys()]).toEqual([id('after', 0)]), { timeout: 20_000 });
  });

  it("restarts a killed service's serverless-offline; what SNS delivers while it is down arrives once it is back, no attempt spent", async () => {
    const before = await restartsOf('service:fixture');
    const first = localCloudServiceProcess('fixture', started.stateDir);
    kill(first);
    const runId = randomUUID();
    await eventually(async () => expect((await cloudHealth(cloud.baseUrl)).parts['service:fixture']).toBe('restarting'), { timeout: 5_000, interval: 50 });
    await sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:${cloud.region}:000000000000:local-cloud-fixture-notifications-${cloud.stage}`, Message: JSON.stringify({ run: runId, id: 'while-down' }) }));
    const publishedAt = Date.now();
    // Each new start killed too, until it has been down longer after the publish than the
    // retries' 1 s + 2 s, however fast one start is (a cached start takes under 3 s): a spent
    // attempt would then show.
    let current = first;
    while (Date.now() - publishedAt < 3_500) {
      await eventually(() => {
        const next = localCloudServiceProcess('fixture', started.stateDir);
        expect(next).not.toBe(current);
        current = next;
      }, { timeout: 10_000, interval: 20 });
      kill(current);
    }
    const health = await recovered(cloud.baseUrl, 'service:fixture', before);
    const { at, recoveredInMs } = health.processes['service:fixture']!.lastRestart!;
    expect(Date.parse(at) + recoveredInMs - publishedAt).toBeGreaterThan(3_000); // down longer than the retries' 1 s + 2 s after the publish
    await eventually(async () => expect((await deliveriesOf(runId)).get('while-down')?.deliveries).toBe(1), { timeout: 20_000 });
    expect((await fetch(`${cloud.baseUrl}/fixture/hello`)).status).toBe(200);
  });
});

describe('stopping', () => {
  it('leaves no process and no port behind', async () => {
    const state = readState(started.stateDir)!;
    const pids: number[] = [state.pid, ...state.children];
    const ports = [cloud.baseUrl, ...Object.values(cloud.endpoints), ...Object.values(cloud.services).flatMap((s) => [s.http, s.lambda])].map((url) => Number(new URL(url).port));
    await started.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect((await Promise.all([...new Set(ports)].map(portOpen))).some(Boolean)).toBe(false);
  });
});
