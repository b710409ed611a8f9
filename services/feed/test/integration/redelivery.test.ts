// At-least-once delivery, on the running test cloud: the same Kinesis record delivered twice to
// distribute-yubl publishes each page of followers once, the same SNS message delivered twice to
// add-to-feed writes each feed entry once, and a poison record in the yubls stream does not stop
// the records behind it and lands in distribute-yubl's on-failure queue. Each count is taken only
// once the thing that must not be doubled has had its every chance: every delivery is done.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { PublishCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { randomUUID } from 'node:crypto';
import { putAll } from '@yubl/dynamodb';
import { envelope, timeOrderedId } from '@yubl/events';
import { eventually, kinesisBatch, lambdaContext, localClientConfig, localCloud, localCloudLog, useLocalCloudEnvironment } from '@yubl/test-harness';
import { aUser } from '@yubl/test-support';
import type { Distribution, Yubl } from '../../src/feed';

const { stage, region } = localCloud();
const cloud = useLocalCloudEnvironment({
  FEEDS_TABLE: `feeds-${stage}`,
  DISTRIBUTIONS_TABLE: `feed-distributions-${stage}`,
  FEED_DISTRIBUTION_TOPIC_ARN: `arn:aws:sns:${region}:000000000000:feed-distribution-${stage}`,
});
const topicArn = process.env.FEED_DISTRIBUTION_TOPIC_ARN!;
const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig('dynamodb', cloud)));
const kinesis = new KinesisClient({ ...localClientConfig('kinesis', cloud), requestHandler: new NodeHttpHandler() });
const sns = new SNSClient(localClientConfig('sns', cloud));
const sqs = new SQSClient(localClientConfig('sqs', cloud));

// Every message the feed-distribution topic publishes, as SNS hands it to an SQS subscriber.
let published: { queueUrl: string; subscriptionArn: string };

beforeAll(async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `feed-distribution-seen-${randomUUID().slice(0, 8)}` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
  published = { queueUrl: QueueUrl!, subscriptionArn: SubscriptionArn! };
});

afterAll(() => sns.send(new UnsubscribeCommand({ SubscriptionArn: published.subscriptionArn })));

const aYubl = (authorId: string): Yubl => ({ id: timeOrderedId(), authorId, text: 'delivered twice', postedAt: new Date().toISOString() });
const aReader = () => `reader-${randomUUID()}`;

/** Every row in `userId`'s feed partition that holds this yubl, whatever its sort key. */
async function feedRows(userId: string, yublId: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await dynamodb.send(new QueryCommand({ TableName: process.env.FEEDS_TABLE, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } }));
  return Items.filter((item) => (item.yubl as Yubl | undefined)?.id === yublId);
}

/** The messages add-to-feed has handled for this yubl so far, by its log lines on the cloud. */
const addedToFeeds = (yublId: string) =>
  localCloudLog()
    .split('\n')
    .filter((line) => line.startsWith('[feed/add-to-feed]') && line.includes('{"level"') && line.includes(yublId))
    .map((line) => JSON.parse(line.slice(line.indexOf('{"level"'))) as Record<string, unknown>)
    .filter((line) => line.message === 'yubl added to feeds' && line.yublId === yublId);

/** Takes the queue's messages, parsed, until `check` passes on all taken so far (within 30 s). */
async function takeFrom<T>(queueUrl: string, check: (taken: T[]) => void): Promise<T[]> {
  const taken: T[] = [];
  await eventually(async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const message of Messages) {
      taken.push(JSON.parse(message.Body!) as T);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    check(taken);
  }, { timeout: 30_000, interval: 50 });
  return taken;
}

/**
 * The distributions of `yublId` the topic published. A harmless last message (a yubl of its own,
 * for a reader of its own) is published behind them and awaited: the local topic hands each
 * message to the queue in the order published, so once it is in, everything before it is too.
 */
async function distributionsPublished(yublId: string): Promise<Distribution[]> {
  const last: Distribution = { yubl: aYubl('nobody'), followerIds: [aReader()] };
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(last) }));
  const seen = await takeFrom<Distribution>(published.queueUrl, (taken) => expect(taken.map((d) => d.yubl.id)).toContain(last.yubl.id));
  return seen.filter((d) => d.yubl.id === yublId);
}

/**
 * `count` followers of `author`, written straight into the relationships table as a follow stores
 * them: distribute-yubl reads only its followers pages. (Following through the API takes a minute
 * of 1,000 transactions, tested by the relationships' own files, and is not what this test is about.)
 */
async function followersOf(author: { id: string }, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const since = new Date().toISOString();
  await putAll(dynamodb, `relationships-${stage}`, ids.map((id) => ({ userId: author.id, sk: `follower#${id}`, since })));
  return ids;
}

describe('redelivery', () => {
  it('publishes each page of followers once, and leaves one feed entry, when distribute-yubl gets the same record twice', async () => {
    const author = await aUser();
    const followers = await followersOf(author, 1000); // two pages of followers (999 beside the author, then 1000 a page)
    const yubl = aYubl(author.id);
    const batch = kinesisBatch([{ data: envelope('yubl-posted', { yubl }), partitionKey: author.id }], `yubls-${cloud.stage}`);
    const { handler } = await import('../../src/handlers/distribute-yubl');
    for (let delivery = 0; delivery < 2; delivery += 1) expect(await handler(batch, lambdaContext())).toEqual({ batchItemFailures: [] });

    const pages = await distributionsPublished(yubl.id);
    expect(pages.map((page) => page.followerIds.length).sort((a, b) => b - a)).toEqual([1000, 1]); // the author rides with the first
    expect(pages.flatMap((page) => page.followerIds).sort()).toEqual([author.id, ...followers].sort());

    await eventually(() => expect(addedToFeeds(yubl.id)).toHaveLength(pages.length), { timeout: 20_000, interval: 200 });
    for (const reader of [author.id, followers[0]!, followers[999]!]) expect(await feedRows(reader, yubl.id)).toHaveLength(1);
  }, 180_000);

  it('leaves one feed entry when add-to-feed gets the same SNS message twice', async () => {
    const yubl = aYubl('some-author');
    const readers = [aReader(), aReader()];
    const message = JSON.stringify({ yubl, followerIds: readers });
    for (let delivery = 0; delivery < 2; delivery += 1) await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
    await eventually(() => expect(addedToFeeds(yubl.id)).toHaveLength(2), { timeout: 20_000, interval: 200 });
    for (const reader of readers) expect(await feedRows(reader, yubl.id)).toHaveLength(1);
  });

  it('lets the records behind a poison record through, and sends the poison record to the on-failure queue', async () => {
    const author = await aUser();
    const { SequenceNumber: poison } = await kinesis.send(new PutRecordCommand({ StreamName: `yubls-${cloud.stage}`, PartitionKey: author.id, Data: Buffer.from('{"type": "yubl-posted", broken') }));
    const yubl = aYubl(author.id);
    await kinesis.send(new PutRecordCommand({ StreamName: `yubls-${cloud.stage}`, PartitionKey: author.id, Data: Buffer.from(JSON.stringify(envelope('yubl-posted', { yubl }))) }));
    await eventually(async () => expect(await feedRows(author.id, yubl.id)).toHaveLength(1), { timeout: 20_000, interval: 200 });

    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `feed-distribute-failures-${cloud.stage}` }));
    await takeFrom<{ KinesisBatchInfo?: { startSequenceNumber: string } }>(QueueUrl!, (failures) => expect(failures.map((f) => f.KinesisBatchInfo?.startSequenceNumber)).toContain(poison));
  });
});
