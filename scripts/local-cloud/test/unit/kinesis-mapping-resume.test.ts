// A Kinesis poller that loses its iterator picks up just after the last record it delivered. An
// iterator expires after five minutes, and kinesalite cannot be made to expire one sooner, so the
// Kinesis client is mocked (aws-sdk-client-mock) and the function invocation injected.
import { ExpiredIteratorException, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { eventually } from '@yubl/test-harness';
import { startKinesisMapping, type KinesisMapping } from '../../src/event-sources/kinesis';
import type { InvokeResult } from '../../src/lambda-invoker';

const record = (n: number) => ({ SequenceNumber: `seq-${n}`, PartitionKey: 'k', Data: Buffer.from(JSON.stringify({ n })), ApproximateArrivalTimestamp: new Date() });
const kinesis = new KinesisClient({ region: 'eu-west-1' });
const mocked = mockClient(kinesis);
const mapping: KinesisMapping = {
  streamArn: 'arn:aws:kinesis:eu-west-1:000000000000:stream/s', streamName: 's', batchSize: 10, startingPosition: 'TRIM_HORIZON', reportBatchItemFailures: true, bisectBatchOnFunctionError: false,
  maximumRetryAttempts: 2, maximumRecordAgeInSeconds: -1, enabled: true, region: 'eu-west-1', roleArn: 'arn:aws:iam::000000000000:role/local-cloud',
};
const fn = { key: 'svc/consume', name: 'svc-consume', arn: 'arn:aws:lambda:eu-west-1:000000000000:function:svc-consume' };

afterEach(() => mocked.reset());

async function deliveredBatches(failure: Error) {
  mocked.on(ListShardsCommand).resolves({ Shards: [{ ShardId: 'shard-0', HashKeyRange: undefined, SequenceNumberRange: undefined }] });
  mocked.on(GetShardIteratorCommand, { ShardIteratorType: 'TRIM_HORIZON' }).resolves({ ShardIterator: 'from-start' });
  mocked.on(GetShardIteratorCommand, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: 'seq-2' }).resolves({ ShardIterator: 'after-2' });
  mocked.on(GetRecordsCommand, { ShardIterator: 'from-start' }).resolves({ Records: [record(1), record(2)], NextShardIterator: 'expired' });
  mocked.on(GetRecordsCommand, { ShardIterator: 'expired' }).rejects(failure);
  mocked.on(GetRecordsCommand, { ShardIterator: 'after-2' }).resolves({ Records: [record(3)], NextShardIterator: 'idle' });
  mocked.on(GetRecordsCommand, { ShardIterator: 'idle' }).resolves({ Records: [], NextShardIterator: 'idle' });
  const batches: number[][] = [];
  const invoke = async (_fn: unknown, event: { Records: { kinesis: { data: string } }[] }): Promise<InvokeResult> => {
    batches.push(event.Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')).n));
    return { ok: true, status: 200, payload: { batchItemFailures: [] } };
  };
  const poller = startKinesisMapping({ kinesis, fn, mapping, invoker: { invokeSync: invoke, sendToDestination: async () => undefined }, log: () => undefined });
  try {
    await eventually(() => expect(batches.flat()).toContain(3), { timeout: 5_000, interval: 50 });
  } finally {
    await poller.stop();
  }
  return batches;
}

describe('a Kinesis poller whose iterator expired', () => {
  it('reads on just after the last record it delivered: nothing again, nothing skipped', async () => {
    expect(await deliveredBatches(new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} }))).toEqual([[1, 2], [3]]);
  });

  it('does the same when Kinesis could not be reached at all', async () => {
    expect(await deliveredBatches(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }))).toEqual([[1, 2], [3]]);
  });
});
