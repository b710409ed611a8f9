import { log } from '@yubl/logger';
import { captureLogs, kinesisBatch, lambdaContext, snsEvent, type CapturedLogs } from '@yubl/test-harness';
import { invokeHandler, kinesisHandler, snsHandler } from '../../src';

let logs: CapturedLogs;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  jest.useRealTimers();
});

/** Runs `invoke` until its timeout warning is out, then lets the handler finish. */
async function warningOf(start: (hold: () => Promise<void>) => Promise<unknown>) {
  jest.useFakeTimers();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const done = start(() => held);
  await jest.advanceTimersByTimeAsync(950);
  release();
  await done.catch(() => undefined);
  return logs.lines.find((line) => line.message === 'the function is about to time out');
}

describe('the timeout warning of a batch', () => {
  it('tells how many Kinesis records, and from which stream', async () => {
    const context = lambdaContext({ timeoutMs: 1_000 });
    const warning = await warningOf((hold) => kinesisHandler(hold, { timeoutWarningMs: 100 })(kinesisBatch([{ data: {} }, { data: {} }], 'users'), context));
    expect(warning).toMatchObject({ records: 2, eventSourceARN: 'arn:aws:kinesis:eu-west-1:000000000000:stream/users', 'x-correlation-id': context.awsRequestId });
  });

  it('tells how many SNS messages, and from which topic', async () => {
    const event = snsEvent({ message: {}, topic: 'feed' });
    const context = lambdaContext({ timeoutMs: 1_000 });
    const warning = await warningOf((hold) => snsHandler(hold, { timeoutWarningMs: 100 })(event, context));
    expect(warning).toMatchObject({ records: 1, topicArn: event.Records[0]!.Sns.TopicArn, 'x-correlation-id': context.awsRequestId });
  });

  it('tells the keys of a direct invocation`s event, never their values, or its type', async () => {
    const keys = await warningOf((hold) => invokeHandler(hold, { timeoutWarningMs: 100 })({ userId: 'u1', secretish: 'v' }, lambdaContext({ timeoutMs: 1_000 })));
    expect(keys).toMatchObject({ keys: ['userId', 'secretish'] });
    expect(JSON.stringify(keys)).not.toContain('u1');
    logs.lines.length = 0;
    const type = await warningOf((hold) => invokeHandler(hold, { timeoutWarningMs: 100 })('text', lambdaContext({ timeoutMs: 1_000 })));
    expect(type).toMatchObject({ keys: 'string' });
    logs.lines.length = 0;
    expect(await warningOf((hold) => invokeHandler(hold, { timeoutWarningMs: 100 })(null, lambdaContext({ timeoutMs: 1_000 })))).toMatchObject({ keys: 'object' });
  });

  it('tells at most 10 keys of a direct invocation`s event', async () => {
    const event = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    const warning = await warningOf((hold) => invokeHandler(hold, { timeoutWarningMs: 100 })(event, lambdaContext({ timeoutMs: 1_000 })));
    expect(warning!.keys).toEqual(Object.keys(event).slice(0, 10));
  });
});

describe('kinesisHandler', () => {
  it('answers no failures for an event without records', async () => {
    expect(await kinesisHandler(async () => undefined)({} as never, lambdaContext())).toEqual({ batchItemFailures: [] });
  });

  it('hands each record its partition key, sequence number and arrival time', async () => {
    const infos: unknown[] = [];
    const event = kinesisBatch([{ data: { n: 1 }, partitionKey: 'k1' }]);
    await kinesisHandler(async (_data, info) => void infos.push(info))(event, lambdaContext());
    const { partitionKey, sequenceNumber, approximateArrivalTimestamp } = event.Records[0]!.kinesis;
    expect(infos).toEqual([{ partitionKey, sequenceNumber, approximateArrivalTimestamp }]);
  });

  it('counts the failed records, and logs the poison one with its place and the invocation`s ids', async () => {
    const event = kinesisBatch([
      { data: { n: 0 }, partitionKey: 'a' },
      { data: '{"broken', partitionKey: 'b' },
      { data: { n: 2 }, partitionKey: 'c' },
    ]);
    const context = lambdaContext();
    const result = await kinesisHandler(async (data) => {
      if ((data as { n: number }).n === 2) throw new Error('no');
    })(event, context);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.slice(1).map((r) => r.kinesis.sequenceNumber));
    expect(logs).toHaveMetric({ name: 'kinesis.records.failed', value: 2 });
    expect(logs).toHaveLogged({ level: 'error', message: 'a record that is not JSON was reported as failed; it will go to the on-failure destination', partitionKey: 'b', sequenceNumber: event.Records[1]!.kinesis.sequenceNumber, 'x-correlation-id': context.awsRequestId });
    expect(logs).toHaveLogged({ level: 'error', message: 'the record failed; it and the later records of its partition key will be retried', error: { message: 'no' } });
  });

  it('reports every record when the first one fails', async () => {
    const event = kinesisBatch([{ data: { n: 0 } }, { data: { n: 1 } }]);
    const result = await kinesisHandler(async () => {
      throw new Error('no');
    })(event, lambdaContext());
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.map((r) => r.kinesis.sequenceNumber));
    expect(logs).toHaveMetric({ name: 'kinesis.records.failed', value: 1 });
  });

  it('counts no failure when every record was handled', async () => {
    await kinesisHandler(async () => undefined)(kinesisBatch([{ data: {} }]), lambdaContext());
    expect(logs.metrics).toEqual([]);
  });
});

describe('snsHandler', () => {
  it('hands the message over without `__context__`, with its id, topic and time, and the invocation`s time left', async () => {
    const seen: unknown[] = [];
    const event = snsEvent({ message: { a: 1, __context__: { 'x-correlation-id': 'ignored' } }, topic: 't' });
    let remaining = 0;
    await snsHandler(async (message, info) => {
      seen.push(message, info);
      remaining = info.remainingTimeMs();
    })(event, lambdaContext({ timeoutMs: 30_000 }));
    const { MessageId, TopicArn, Timestamp } = event.Records[0]!.Sns;
    expect(seen).toEqual([{ a: 1 }, { messageId: MessageId, topicArn: TopicArn, timestamp: Timestamp, remainingTimeMs: expect.any(Function) }]);
    expect(remaining).toBeGreaterThan(20_000);
    expect(remaining).toBeLessThanOrEqual(30_000);
  });

  it('handles the other messages of the invocation before failing with the first error', async () => {
    const event = snsEvent({ message: { n: 1 } });
    event.Records.push(...snsEvent({ message: { n: 2 } }).Records, ...snsEvent({ message: { n: 3 } }).Records);
    const handled: number[] = [];
    const failing = snsHandler(async (message) => {
      const { n } = message as { n: number };
      handled.push(n);
      if (n < 3) throw new Error(`message ${n} failed`);
    });
    await expect(failing(event, lambdaContext())).rejects.toThrow('message 1 failed');
    expect(handled).toEqual([1, 2, 3]);
    expect(logs).toHaveLogged({ level: 'error', message: 'the SNS message failed; Lambda will retry it', messageId: event.Records[1]!.Sns.MessageId });
  });

  it('hands over a message that is not an object as it is, and succeeds for an event without records', async () => {
    const seen: unknown[] = [];
    await snsHandler(async (message) => void seen.push(message))(snsEvent({ message: [1, 2] }), lambdaContext());
    await snsHandler(async (message) => void seen.push(message))(snsEvent({ message: null as never }), lambdaContext());
    await snsHandler(async (message) => void seen.push(message))(snsEvent({ message: JSON.stringify('text') }), lambdaContext());
    await expect(snsHandler(async () => log.info('never'))({} as never, lambdaContext())).resolves.toBeUndefined();
    expect(seen).toEqual([[1, 2], null, 'text']);
  });
});

describe('invokeHandler', () => {
  it('hands over an event that is not an object, or has no `__context__`, as it is', async () => {
    const echo = invokeHandler(async (event) => event);
    expect(await echo('text', lambdaContext())).toBe('text');
    expect(await echo(null, lambdaContext())).toBeNull();
    const event = { a: 1 };
    expect(await echo(event, lambdaContext())).toBe(event);
  });
});
