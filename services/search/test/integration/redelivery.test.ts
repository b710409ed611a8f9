// The same user-joined batch delivered twice leaves one index entry per name, and one search result.
// The entries are counted in the table itself: the search answer de-duplicates by user, so it
// would show one result however many entries a redelivery had written.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { envelope } from '@yubl/events';
import { kinesisBatch, lambdaContext, localClientConfig, localCloud, useLocalCloudEnvironment } from '@yubl/test-harness';
import type { IndexEntry, User } from '../../src/search';

const cloud = useLocalCloudEnvironment({ SEARCH_TABLE: `search-users-${localCloud().stage}` });
const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig('dynamodb', cloud)));

/** Every entry of the index that names this user, read partition by partition (one per bucket). */
async function entriesOf(user: User, buckets: string[]): Promise<IndexEntry[]> {
  const entries: IndexEntry[] = [];
  for (const bucket of buckets) {
    let start: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await dynamodb.send(
        new QueryCommand({ TableName: process.env.SEARCH_TABLE, KeyConditionExpression: '#b = :b', ExpressionAttributeNames: { '#b': 'bucket' }, ExpressionAttributeValues: { ':b': bucket }, ExclusiveStartKey: start }),
      );
      entries.push(...(Items as IndexEntry[]).filter((entry) => entry.user?.id === user.id));
      start = LastEvaluatedKey;
    } while (start);
  }
  return entries;
}

describe('index-user under redelivery', () => {
  it('indexes a user delivered twice once', async () => {
    const tag = randomUUID().replace(/-/g, '').slice(0, 8);
    const user = { id: randomUUID(), username: `twice_${tag}`, firstName: `Twice${tag}`, lastName: `Again${tag}`, joinedAt: new Date().toISOString() };
    const batch = kinesisBatch([{ data: envelope('user-joined', { user }), partitionKey: user.id }], `users-${cloud.stage}`);
    const { handler: indexUser } = await import('../../src/handlers/index-user');
    for (let delivery = 0; delivery < 2; delivery += 1) expect(await indexUser(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
    const entries = await entriesOf(user, ['t', 'a']);
    expect(entries.map((entry) => `${entry.bucket}/${entry.sk}`).sort()).toEqual([`a/again${tag}#${user.id}#lastName`, `t/twice${tag}#${user.id}#firstName`, `t/twice_${tag}#${user.id}#username`].sort());
    const { handler: search } = await import('../../src/handlers/search');
    const answer = await search({ httpMethod: 'GET', path: '/search/users', headers: {}, queryStringParameters: { q: `twice${tag}` }, requestContext: { requestId: tag } } as never, lambdaContext());
    expect(JSON.parse((answer as { body: string }).body)).toEqual({ items: [user] });
  });
});
