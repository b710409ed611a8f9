// The Kinesis event-source mapping against a real kinesalite, with a scripted function in place of
// serverless-offline: every batch it is handed is written down, so the retry, bisection and
// on-failure semantics can be checked invocation by invocation.
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { eventually } from '@yubl/test-harness';
import { startKinesisMapping, kinesisMappingFrom } from '../../src/event-sources/kinesis';
import type { InvokeResult } from '../../src/lambda-invoker';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite = require('kinesalite') as (options: object) => Server;

type Outcome = 'ok' | 'fail' | 'crash' | 'unknown';
interface KinesisEvent {
  Records: { kinesis: { data: string; sequenceNumber: string } }[];
}

let server: Server;
let kinesis: KinesisClient;
let streamCount = 0;

beforeAll(async () => {
  server = kinesalite({ createStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kinesis = new KinesisClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
});

afterAll(async () => {
  kinesis.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/**
 * A stream holding `count` records (data: their index), and a mapping onto a function whose
 * answer for record i on its d-th delivery is `script(i, d)`.
 */
async function scenario(count: number, settings: Record<string, unknown>, script: (index: number, delivery: number) => Outcome) {
  const name = `mapping-test-${(streamCount += 1)}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await eventually(async () => {
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
  });
  const sequence: string[] = [];
  const put = async (index: number) => {
    const { SequenceNumber } = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'one-key', Data: Buffer.from(String(index)) }));
    sequence[index] = SequenceNumber!;
  };
  for (let i = 0; i < count; i += 1) await put(i);

  const batches: number[][] = [];
  const deliveries = new Map<number, number>();
  const sent: { arn: string; record: Record<string, any> }[] = [];
  const invoke = async (_fn: unknown, event: KinesisEvent): Promise<InvokeResult> => {
    const indexes = event.Records.map((r) => Number(Buffer.from(r.kinesis.data, 'base64').toString('utf8')));
    batches.push(indexes);
    for (const [position, index] of indexes.entries()) {
      const delivery = (deliveries.get(index) ?? 0) + 1;
      deliveries.set(index, delivery);
      const outcome = script(index, delivery);
      if (outcome === 'crash') return { ok: false, status: 200, functionError: 'Unhandled', payload: { errorMessage: `record ${index} crashed` } };
      if (outcome === 'unknown') return { ok: true, status: 200, payload: { batchItemFailures: [{ itemIdentifier: 'no-such-record' }] } };
      if (outcome === 'fail') {
        return { ok: true, status: 200, payload: { batchItemFailures: event.Records.slice(position).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })) } };
      }
    }
    return { ok: true, status: 200, payload: { batchItemFailures: [] } };
  };
  const mapping = kinesisMappingFrom(
    { arn: `arn:aws:kinesis:eu-west-1:000000000000:stream/${name}`, startingPosition: 'TRIM_HORIZON', ...settings },
    { render: (value: unknown) => value, region: 'eu-west-1', accountId: '000000000000' },
  );
  const poller = startKinesisMapping({
    kinesis,
    fn: { key: 'test/fn', arn: 'arn:aws:lambda:eu-west-1:000000000000:function:fn' },
    mapping,
    invoker: { invokeSync: invoke, sendToDestination: async (arn: string, record: Record<string, any>) => void sent.push({ arn, record }) },
    log: () => undefined,
  });
  return { batches, deliveries, sent, sequence, put, stop: () => poller.stop() };
}

const DLQ = 'arn:aws:sqs:eu-west-1:000000000000:failures';

describe('the Kinesis event-source mapping', () => {
  it('retries a partial failure from the failed record, never redelivering the records before it', async () => {
    const run = await scenario(5, { batchSize: 5, functionResponseType: 'ReportBatchItemFailures' }, (i, d) => (i === 2 && d <= 2 ? 'fail' : 'ok'));
    try {
      await eventually(() => expect(run.batches).toEqual([[0, 1, 2, 3, 4], [2, 3, 4], [2, 3, 4]]));
    } finally {
      await run.stop();
    }
  });

  it('without ReportBatchItemFailures, ignores a returned list and moves on', async () => {
    const run = await scenario(3, { batchSize: 3 }, (i) => (i === 1 ? 'fail' : 'ok'));
    try {
      await eventually(() => expect(run.batches).toEqual([[0, 1, 2]]));
      // A retry would come before anything behind it on the shard: once a later record is
      // delivered, the first batch has had its every chance to be delivered again.
      await run.put(3);
      await eventually(() => expect(run.batches.flat()).toContain(3));
      expect(run.batches).toEqual([[0, 1, 2], [3]]);
    } finally {
      await run.stop();
    }
  });

  it('bisects a batch whose invocation fails, and retries each half on its own', async () => {
    const run = await scenario(4, { batchSize: 4, bisectBatchOnFunctionError: true, maximumRetryAttempts: 5 }, (i, d) => (i === 3 && d <= 2 ? 'crash' : 'ok'));
    try {
      await eventually(() => expect(run.batches).toEqual([[0, 1, 2, 3], [0, 1], [2, 3], [2], [3]]));
    } finally {
      await run.stop();
    }
  });

  it('sends a batch past maximumRetryAttempts to the on-failure destination and moves the shard on', async () => {
    const run = await scenario(
      3,
      { batchSize: 3, functionResponseType: 'ReportBatchItemFailures', maximumRetryAttempts: 2, destinations: { onFailure: { type: 'sqs', arn: DLQ } } },
      (i) => (i === 1 ? 'fail' : 'ok'),
    );
    try {
      await eventually(() => expect(run.sent).toHaveLength(1));
      expect(run.batches).toEqual([[0, 1, 2], [1, 2], [1, 2]]);
      expect(run.sent[0]).toMatchObject({
        arn: DLQ,
        record: {
          requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
          KinesisBatchInfo: { startSequenceNumber: run.sequence[1], endSequenceNumber: run.sequence[2], batchSize: 2 },
        },
      });
      await run.put(3);
      await eventually(() => expect(run.batches.at(-1)).toEqual([3]));
    } finally {
      await run.stop();
    }
  });

  it('retries the whole batch when the answer names a record that is not in it', async () => {
    const run = await scenario(2, { batchSize: 2, functionResponseType: 'ReportBatchItemFailures' }, (i, d) => (i === 1 && d === 1 ? 'unknown' : 'ok'));
    try {
      await eventually(() => expect(run.batches).toEqual([[0, 1], [0, 1]]));
    } finally {
      await run.stop();
    }
  });
});
