import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { localClientConfig, localCloud } from '@yubl/test-harness';

// The shared stack declares its streams on demand (no shard count): the local cloud still creates
// them, with the shards AWS starts an on-demand stream with (src/stream-capacity.js).
describe("the local cloud's shared streams", () => {
  it.each(['users', 'yubls'])('%s: on demand, created with 4 shards', async (name) => {
    const cloud = localCloud();
    const kinesis = new KinesisClient({ ...localClientConfig('kinesis', cloud), requestHandler: new NodeHttpHandler() }); // kinesalite speaks HTTP/1.1 only
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: `${name}-${cloud.stage}` }));
    expect(StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 4 });
  });
});
