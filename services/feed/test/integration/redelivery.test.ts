// At-least-once delivery, on the running test cloud: the same Kinesis batch and the same SNS message
// delivered twice leave one feed entry, and a poison record in the yubls stream does not stop the
// records behind it and lands in distribute-yubl's on-failure queue.
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { envelope, timeOrderedId } from '@yubl/events';
import { aUser, eventually, follows, kinesisBatch, lambdaContext, localClientConfig, localCloud, useLocalCloudEnvironment } from '@yubl/test-harness';

const { stage, region } = localCloud();
const cloud = useLocalCloudEnvironment({
  FEEDS_TABLE: `feeds-${stage}`,
  FEED_DISTRIBUTION_TOPIC_ARN: `arn:aws:sns:${region}:000000000000:feed-distribution-${stage}`,
});
const dynamodb = new DynamoDBClient(localClientConfig('dynamodb', cloud));
const kinesis = new KinesisClient({ ...localClientConfig('kinesis', cloud), requestHandler: new NodeHttpHandler() });
const sns = new SNSClient(localClientConfig('sns', cloud));
const sqs = new SQSClient(localClientConfig('sqs', cloud));

async function feedEntries(userId: string, yublId: string): Promise<number> {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({ TableName: process.env.FEEDS_TABLE, KeyConditionExpression: 'userId = :u AND yublId = :y', ExpressionAttributeValues: { ':u': { S: userId }, ':y': { S: yublId } } }),
  );
  return Items.length;
}

const aYubl = (authorId: string) => ({ id: timeOrderedId(), authorId, text: 'delivered twice', postedAt: new Date().toISOString() });

describe('redelivery', () => {
  it('leaves one feed entry when distribute-yubl gets the same batch twice', async () => {
    const [author, follower] = await Promise.all([aUser(), aUser()]);
    await follows(follower, author);
    const yubl = aYubl(author.id);
    const batch = kinesisBatch([{ data: envelope('yubl-posted', { yubl }), partitionKey: author.id }], `yubls-${cloud.stage}`);
    const { handler } = await import('../../src/handlers/distribute-yubl');
    for (let delivery = 0; delivery < 2; delivery += 1) expect(await handler(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
    await eventually(async () => expect(await feedEntries(follower.id, yubl.id)).toBe(1), { timeout: 20_000, interval: 200 });
    await eventually(async () => expect(await feedEntries(author.id, yubl.id)).toBe(1), { timeout: 20_000, interval: 200 });
  });

  it('leaves one feed entry when add-to-feed gets the same SNS message twice', async () => {
    const yubl = aYubl('some-author');
    const message = JSON.stringify({ yubl, followerIds: ['reader-1', 'reader-2'] });
    for (let delivery = 0; delivery < 2; delivery += 1) await sns.send(new PublishCommand({ TopicArn: process.env.FEED_DISTRIBUTION_TOPIC_ARN, Message: message }));
    await eventually(async () => {
      expect(await feedEntries('reader-1', yubl.id)).toBe(1);
      expect(await feedEntries('reader-2', yubl.id)).toBe(1);
    }, { timeout: 20_000, interval: 200 });
  });

  it('lets the records behind a poison record through, and sends the poison record to the on-failure queue', async () => {
    const author = await aUser();
    const { SequenceNumber: poison } = await kinesis.send(new PutRecordCommand({ StreamName: `yubls-${cloud.stage}`, PartitionKey: author.id, Data: Buffer.from('{"type": "yubl-posted", broken') }));
    const yubl = aYubl(author.id);
    await kinesis.send(new PutRecordCommand({ StreamName: `yubls-${cloud.stage}`, PartitionKey: author.id, Data: Buffer.from(JSON.stringify(envelope('yubl-posted', { yubl }))) }));
    await eventually(async () => expect(await feedEntries(author.id, yubl.id)).toBe(1), { timeout: 20_000, interval: 200 });

    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `feed-distribute-failures-${cloud.stage}` }));
    const failures: { KinesisBatchInfo?: { startSequenceNumber: string } }[] = [];
    await eventually(async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of Messages) {
        failures.push(JSON.parse(m.Body!));
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
      expect(failures.map((f) => f.KinesisBatchInfo?.startSequenceNumber)).toContain(poison);
    }, { timeout: 30_000, interval: 100 });
  });
});
