// The same user-joined batch delivered twice leaves one search result.
import { randomUUID } from 'node:crypto';
import { envelope } from '@yubl/events';
import { kinesisBatch, lambdaContext, localCloud, useLocalCloudEnvironment } from '@yubl/test-harness';

const cloud = useLocalCloudEnvironment({ SEARCH_TABLE: `search-users-${localCloud().stage}` });

describe('index-user under redelivery', () => {
  it('indexes a user delivered twice once', async () => {
    const tag = randomUUID().replace(/-/g, '').slice(0, 8);
    const user = { id: randomUUID(), username: `twice_${tag}`, firstName: `Twice${tag}`, lastName: `Again${tag}`, joinedAt: new Date().toISOString() };
    const batch = kinesisBatch([{ data: envelope('user-joined', { user }), partitionKey: user.id }], `users-${cloud.stage}`);
    const { handler: indexUser } = await import('../../src/handlers/index-user');
    for (let delivery = 0; delivery < 2; delivery += 1) expect(await indexUser(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
    const { handler: search } = await import('../../src/handlers/search');
    const answer = await search({ httpMethod: 'GET', path: '/search/users', headers: {}, queryStringParameters: { q: `twice${tag}` }, requestContext: { requestId: tag } } as never, lambdaContext());
    expect(JSON.parse((answer as { body: string }).body)).toEqual({ items: [user] });
  });
});
