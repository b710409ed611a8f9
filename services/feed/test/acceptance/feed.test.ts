// A posts; B, who follows A, finds the yubl in GET /feed and GET /feed/yubls/{id}; C, who does not,
// gets 404. The feed's own endpoints go through `when` (in process or through the gateway and the
// authorizer); the other services are reached over HTTP, as the feed reaches them.
import { randomUUID } from 'node:crypto';
import { signToken } from '@yubl/auth';
import { captureLogs, eventually, localCloudLog, localJwtSecret, testMode, localCloud, useLocalCloudEnvironment, weCall, type CapturedLogs, type HttpEndpoint } from '@yubl/test-harness';
import { aUser, bearer, follows, posts } from '@yubl/test-support';

const cloud = useLocalCloudEnvironment({ FEEDS_TABLE: `feeds-${localCloud().stage}` });

// In handler mode no authorizer stands in front: the caller is the token's subject, as the
// authorizer would have said.
const subjectOf = (headers: Record<string, string>) => {
  const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  return token ? (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub : undefined;
};
const feed: HttpEndpoint = { method: 'GET', resource: '/feed', handler: async () => (await import('../../src/handlers/get-feed')).handler, principalId: subjectOf };
const feedYubl: HttpEndpoint = { method: 'GET', resource: '/feed/yubls/{id}', handler: async () => (await import('../../src/handlers/get-feed-yubl')).handler, principalId: subjectOf };

let logs: CapturedLogs;
beforeAll(() => {
  logs = captureLogs();
});
afterAll(() => logs.restore());

describe('the feed', () => {
  it('shows a yubl to its author and the author`s followers, newest first, and to no one else; one correlation id throughout', async () => {
    const [a, b, c] = await Promise.all([aUser(), aUser(), aUser()]);
    await follows(b, a);
    const correlationId = `feed-${randomUUID()}`;
    const earlier = await posts(a, 'first');
    const yubl = await posts(a, `hello ${randomUUID()}`, { 'x-correlation-id': correlationId });

    const bFeed = await eventually(async () => {
      const answer = await weCall(feed, { path: '/feed', headers: bearer(b) });
      expect(answer.status).toBe(200);
      expect(answer.body.items.map((item: { id: string }) => item.id)).toEqual([yubl.id, earlier.id]);
      return answer;
    }, { timeout: 20_000, interval: 200 });
    expect(bFeed.body.items[0]).toEqual(yubl);
    expect(bFeed.body.nextCursor).toBeNull();

    expect(await weCall(feedYubl, { path: `/feed/yubls/${yubl.id}`, headers: bearer(b) })).toMatchObject({ status: 200, body: yubl });
    expect(await weCall(feedYubl, { path: `/feed/yubls/${yubl.id}`, headers: bearer(a) })).toMatchObject({ status: 200, body: yubl });
    expect(await weCall(feedYubl, { path: `/feed/yubls/${yubl.id}`, headers: bearer(c) })).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });

    // Every line the flow wrote about this yubl (distribution, writes), in any service, carries the
    // client's id. (C's refused read is another request, with its own id.)
    await eventually(() => {
      const lines = `${localCloudLog()}\n${logs.text()}`
        .split('\n')
        .filter((line) => line.includes('{"level"') && line.includes(yubl.id))
        .map((line) => JSON.parse(line.slice(line.indexOf('{"level"'))) as Record<string, unknown>)
        .filter((line) => line.yublId === yubl.id);
      expect(lines.map((line) => line.message)).toEqual(expect.arrayContaining(['yubl distributed', 'yubl added to feeds']));
      for (const line of lines) expect(line['x-correlation-id']).toBe(correlationId);
    }, { timeout: 10_000, interval: 200 });
  });

  it('pages with limit and cursor, and refuses a limit out of range or a cursor it did not issue', async () => {
    const a = await aUser();
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await posts(a, `post ${i}`)).id);
    await eventually(async () => expect((await weCall(feed, { path: '/feed', headers: bearer(a) })).body.items).toHaveLength(3), { timeout: 20_000, interval: 200 });
    const first = await weCall(feed, { path: '/feed?limit=2', headers: bearer(a) });
    expect(first.body.items.map((y: { id: string }) => y.id)).toEqual([ids[2], ids[1]]);
    const second = await weCall(feed, { path: `/feed?limit=2&cursor=${first.body.nextCursor}`, headers: bearer(a) });
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=not-ours', `cursor=${Buffer.from('{"userId":"someone-else","yublId":"x"}').toString('base64url')}`]) {
      expect((await weCall(feed, { path: `/feed?${query}`, headers: bearer(a) })).status).toBe(400);
    }
  });

  (testMode() === 'http' ? it : it.skip)('answers 401 for missing, forged, expired, alg:none and malformed tokens (the authorizer)', async () => {
    const a = await aUser();
    const [header, payload] = a.token.split('.');
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const expired = await signToken(a.id, await localJwtSecret(cloud), -60); // signed with the real secret
    const tokens = [
      undefined,
      `${header}.${payload}.${'A'.repeat(43)}`, // forged signature
      await signToken(a.id, 'not-the-secret-but-long-enough-to-sign-with'),
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      expired,
      'not-a-token',
    ];
    for (const token of tokens) {
      const response = await fetch(`${cloud.baseUrl}/feed`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'Unauthorized' } });
    }
  });
});
