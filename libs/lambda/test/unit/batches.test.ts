import { log } from '@yubl/logger';
import { captureLogs, kinesisBatch, lambdaContext, scheduleEvent, snsEvent, warmupEvent, type CapturedLogs } from '@yubl/test-harness';
import { invokeHandler, kinesisHandler, snsHandler, WARMED } from '../../src';

let logs: CapturedLogs;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('kinesisHandler', () => {
  it('hands each record its data without `__context__`, with that record`s ids on every line', async () => {
    const seen: unknown[] = [];
    const handler = kinesisHandler(async (data) => {
      seen.push(data);
      log.info('handled');
    });
    const result = await handler(
      kinesisBatch([
        { data: { id: 1 }, context: { 'x-correlation-id': 'r-1' } },
        { data: { id: 2 }, context: { 'x-correlation-id': 'r-2', 'debug-log-enabled': 'true' }, partitionKey: 'other' },
      ]),
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([{ id: 1 }, { id: 2 }]);
    expect(logs).toHaveLogged({ message: 'handled', 'x-correlation-id': 'r-1' });
    expect(logs).toHaveLogged({ message: 'handled', 'x-correlation-id': 'r-2', 'debug-log-enabled': true });
  });

  it('keeps the order within a partition key, stops a key at its first failure, and reports from the first failure on', async () => {
    const handled: string[] = [];
    const handler = kinesisHandler(async (data) => {
      const { key, n } = data as { key: string; n: number };
      // key a's records take longer than key b's, so the two keys interleave
      for (let tick = 0; tick < (key === 'a' ? 3 : 1); tick += 1) await new Promise((resolve) => setImmediate(resolve));
      if (key === 'a' && n === 1) throw new Error('a1 fails');
      handled.push(`${key}${n}`);
    });
    const event = kinesisBatch([
      { data: { key: 'a', n: 0 }, partitionKey: 'a' },
      { data: { key: 'b', n: 0 }, partitionKey: 'b' },
      { data: { key: 'a', n: 1 }, partitionKey: 'a' },
      { data: { key: 'b', n: 1 }, partitionKey: 'b' },
      { data: { key: 'a', n: 2 }, partitionKey: 'a' },
    ]);
    const result = await handler(event, lambdaContext());
    expect(handled.filter((h) => h.startsWith('a'))).toEqual(['a0']);
    expect(handled.filter((h) => h.startsWith('b'))).toEqual(['b0', 'b1']);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.slice(2).map((r) => r.kinesis.sequenceNumber));
    expect(logs).toHaveLogged({ level: 'error', sequenceNumber: event.Records[2]!.kinesis.sequenceNumber });
  });

  it('reports a record that is not JSON without holding back the records behind it', async () => {
    const handled: unknown[] = [];
    const handler = kinesisHandler(async (data) => void handled.push(data));
    const event = kinesisBatch([
      { data: { n: 0 }, partitionKey: 'k' },
      { data: '{"broken', partitionKey: 'k' },
      { data: { n: 2 }, partitionKey: 'k' },
    ]);
    const result = await handler(event, lambdaContext());
    expect(handled).toEqual([{ n: 0 }, { n: 2 }]);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.slice(1).map((r) => r.kinesis.sequenceNumber));
    expect(logs).toHaveMetric({ name: 'kinesis.records.failed', value: 1 });
  });
});

describe('snsHandler', () => {
  it('hands the parsed message over with the ids of its message attributes', async () => {
    const seen: unknown[] = [];
    const handler = snsHandler(async (message) => {
      seen.push(message);
      log.info('delivered');
    });
    await handler(snsEvent({ message: { yubl: 'y1' }, attributes: { 'x-correlation-id': 's-1', 'call-chain-length': '3' } }), lambdaContext());
    expect(seen).toEqual([{ yubl: 'y1' }]);
    expect(logs).toHaveLogged({ message: 'delivered', 'x-correlation-id': 's-1', 'call-chain-length': 3 });
  });

  it('fails the invocation when a message fails, so that Lambda retries it', async () => {
    const handler = snsHandler(async () => {
      throw new Error('downstream is down');
    });
    await expect(handler(snsEvent({ message: { a: 1 }, attributes: { 'x-correlation-id': 's-2' } }), lambdaContext())).rejects.toThrow('downstream is down');
    expect(logs).toHaveLogged({ level: 'error', 'x-correlation-id': 's-2' });
  });

  it('fails on a message that is not JSON', async () => {
    const handler = snsHandler(async () => undefined);
    await expect(handler(snsEvent({ message: 'not json' }), lambdaContext())).rejects.toThrow(SyntaxError);
  });
});

describe('invokeHandler', () => {
  it('takes the ids from `__context__` and hands over the event without it', async () => {
    const handler = invokeHandler(async (event) => {
      log.info('invoked');
      return event;
    });
    expect(await handler({ userId: 'u1', __context__: { 'x-correlation-id': 'i-1' } }, lambdaContext())).toEqual({ userId: 'u1' });
    expect(logs).toHaveLogged({ message: 'invoked', 'x-correlation-id': 'i-1' });
  });

  it('gives a schedule event the request id as correlation id, and answers warm-ups without running', async () => {
    let runs = 0;
    const handler = invokeHandler(async () => {
      runs += 1;
      log.info('scheduled');
    });
    const context = lambdaContext();
    await handler(scheduleEvent(), context);
    expect(logs).toHaveLogged({ message: 'scheduled', 'x-correlation-id': context.awsRequestId });
    expect(await handler(warmupEvent(), lambdaContext())).toBe(WARMED);
    expect(runs).toBe(1);
  });
});
