// The loop guard counts the system's own hops only (docs/design.md "The loop guard"): a client that
// sends call-chain-length gets its user and its yubl stored and distributed like anyone's, while a
// chain the system itself made too long is still stopped, before a commit over HTTP and into the
// on-failure queue on a stream. Counted in the tables, on the streams and in the functions' lines.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { randomUUID } from 'node:crypto';
import { CALL_CHAIN_PROOF, proveChain } from '@yubl/correlation';
import { envelope, timeOrderedId } from '@yubl/events';
import { eventually, itemsOf, localClientConfig, localCloud, localCloudLog, recordsOnStream } from '@yubl/test-harness';
import { aUser, bearer, follows, posts, type TestUser } from '@yubl/test-support';

const cloud = localCloud();
const { stage } = cloud;
const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig('dynamodb', cloud)));
const kinesis = new KinesisClient({ ...localClientConfig('kinesis', cloud), requestHandler: new NodeHttpHandler() });
const sqs = new SQSClient(localClientConfig('sqs', cloud));

/** How many rows of `userId`'s feed hold this yubl. */
async function feedCopies(userId: string, yublId: string): Promise<number> {
  const { Items = [] } = await dynamodb.send(new QueryCommand({ TableName: `feeds-${stage}`, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId } }));
  return Items.filter((item) => (item.yubl as { id?: string } | undefined)?.id === yublId).length;
}

/** The lines a function of the cloud wrote with this message about this yubl. */
const linesOf = (fn: string, message: string, yublId: string) =>
  localCloudLog()
    .split('\n')
    .filter((line) => line.startsWith(`[${fn}]`) && line.includes('{"level"') && line.includes(yublId))
    .map((line) => JSON.parse(line.slice(line.indexOf('{"level"'))) as Record<string, unknown>)
    .filter((line) => line.message === message);

async function authorWithFollowers(count: number): Promise<{ author: TestUser; followers: TestUser[] }> {
  const [author, ...followers] = await Promise.all(Array.from({ length: count + 1 }, () => aUser()));
  for (const follower of followers) await follows(follower, author!);
  return { author: author!, followers };
}

describe('a call-chain-length sent by an app client', () => {
  it.each(['9', '10', '11'])('at %s, signs a user up: stored once, one user-joined event', async (length) => {
    const tag = randomUUID().replace(/-/g, '').slice(0, 12);
    const response = await fetch(`${cloud.baseUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'call-chain-length': length },
      body: JSON.stringify({ username: `cc_${tag}`, firstName: 'Chain', lastName: 'Client', password: `secret-${tag}` }),
    });
    expect(response.status).toBe(201);
    const { user } = (await response.json()) as { user: { id: string } };
    expect((await fetch(`${cloud.baseUrl}/users/${user.id}`)).status).toBe(200);
    await eventually(async () => {
      expect((await itemsOf(`users-outbox-${stage}`)).filter((item) => item.partitionKey === user.id)).toEqual([]);
      const joined = (await recordsOnStream(`users-${stage}`, kinesis)).filter((record) => record.data.type === 'user-joined' && record.data.data?.user?.id === user.id);
      expect(new Set(joined.map((record) => record.data.id)).size).toBe(1);
    }, { timeout: 20_000, interval: 500 });
  });

  it.each(['9', '10'])('at %s, posts a yubl that reaches the author`s and every follower`s feed once, the distribution counting from 1', async (length) => {
    const { author, followers } = await authorWithFollowers(2);
    const correlationId = `client-chain-${randomUUID()}`;
    const yubl = await posts(author, `chained ${length}`, { 'call-chain-length': length, 'x-correlation-id': correlationId });

    await eventually(async () => {
      for (const reader of [author, ...followers]) expect(await feedCopies(reader.id, yubl.id)).toBe(1);
    }, { timeout: 20_000, interval: 250 });
    // The distribution succeeded on its first delivery (one line, so nothing retried and nothing
    // for the on-failure queue), for all three readers, two hops in: POST /yubls then distribute-yubl.
    const distributed = linesOf('feed/distribute-yubl', 'yubl distributed', yubl.id);
    expect(distributed).toHaveLength(1);
    expect(distributed[0]).toMatchObject({ 'x-correlation-id': correlationId, 'call-chain-length': 2, recipients: 3 });
    expect(localCloudLog().split('\n').filter((line) => line.includes(correlationId) && line.includes('CallChainTooLong'))).toEqual([]);
  });
});

describe('a call chain the system made too long', () => {
  it('is refused over HTTP with 400 CallChainTooLong, before anything is stored', async () => {
    const author = await aUser();
    const correlationId = `system-chain-${randomUUID()}`;
    const response = await fetch(`${cloud.baseUrl}/yubls`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...bearer(author),
        'x-correlation-id': correlationId,
        'call-chain-length': '10',
        [CALL_CHAIN_PROOF]: proveChain(cloud.apiKeys['call-chain']!, 10, correlationId),
      },
      body: JSON.stringify({ text: 'one hop too many' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-correlation-id')).toBe(correlationId);
    expect(await response.json()).toMatchObject({ error: { code: 'CallChainTooLong' } });
    // The answer comes after the commit would have: whatever was stored would be there now.
    expect((await itemsOf(`yubls-outbox-${stage}`)).filter((item) => item.partitionKey === author.id)).toEqual([]);
    const { Items = [] } = await dynamodb.send(new QueryCommand({ TableName: `feeds-${stage}`, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': author.id } }));
    expect(Items).toEqual([]);
    expect((await recordsOnStream(`yubls-${stage}`, kinesis)).filter((record) => record.partitionKey === author.id)).toEqual([]);
  });

  it('stops at distribute-yubl when a record arrives at the limit: no feed gets it, the record goes to the on-failure queue', async () => {
    const author = await aUser();
    const yubl = { id: timeOrderedId(), authorId: author.id, text: 'looping', postedAt: new Date().toISOString() };
    const record = { ...envelope('yubl-posted', { yubl }), __context__: { 'x-correlation-id': `loop-${randomUUID()}`, 'call-chain-length': '10' } };
    const { SequenceNumber } = await kinesis.send(new PutRecordCommand({ StreamName: `yubls-${stage}`, PartitionKey: author.id, Data: Buffer.from(JSON.stringify(record)) }));

    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `feed-distribute-failures-${stage}` }));
    await eventually(async () => {
      // Others' failures stay visible for their own tests (VisibilityTimeout 0); ours is taken out.
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 0 }));
      const ours = Messages.filter((message) => (JSON.parse(message.Body!) as { KinesisBatchInfo?: { startSequenceNumber?: string } }).KinesisBatchInfo?.startSequenceNumber === SequenceNumber);
      for (const message of ours) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      expect(ours).toHaveLength(1);
    }, { timeout: 60_000, interval: 100 });
    expect(await feedCopies(author.id, yubl.id)).toBe(0);
    expect(linesOf('feed/distribute-yubl', 'yubl distributed', yubl.id)).toEqual([]);
  });
});
