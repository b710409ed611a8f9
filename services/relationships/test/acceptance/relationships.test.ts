// Follow, unfollow and the followers / following pages as docs/api.md's HTTP section says, one case a
// rule, in process (TEST_MODE=handler) and through the gateway (TEST_MODE=http). Users are made
// through the users service, over HTTP.
import { randomUUID } from 'node:crypto';
import { correlated, refused, weCall, type HttpEndpoint } from '@yubl/test-harness';
import { aUser, bearer, follows, type TestUser } from '@yubl/test-support';
import { follow, followers, following, unfollow } from '../support/api';

const put = (caller: TestUser, id: string, targetId: string) => weCall(follow, { path: `/users/${id}/following/${targetId}`, headers: bearer(caller) });
const remove = (caller: TestUser, id: string, targetId: string) => weCall(unfollow, { path: `/users/${id}/following/${targetId}`, headers: bearer(caller) });
const list = (endpoint: HttpEndpoint, id: string, query = '') => weCall(endpoint, { path: `/users/${id}/${endpoint === followers ? 'followers' : 'following'}${query}` });
const idsIn = (answer: { body: { items: { userId: string }[] } }) => answer.body.items.map((item) => item.userId);

/** Every page of a list, `limit` at a time, until nextCursor is null. */
async function allPages(endpoint: HttpEndpoint, id: string, limit: number) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const answer = await list(endpoint, id, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer).toMatchObject(correlated(200));
    pages.push(idsIn(answer));
    cursor = answer.body.nextCursor;
  } while (cursor !== null && pages.length < 20);
  return pages;
}

describe('PUT and DELETE /users/{id}/following/{targetId}', () => {
  let a: TestUser;
  let b: TestUser;
  beforeEach(async () => {
    [a, b] = await Promise.all([aUser(), aUser()]);
  });

  it('follows: 204, idempotent (twice is one follow), seen from both sides with its time', async () => {
    expect(await put(a, a.id, b.id)).toMatchObject(correlated(204));
    expect(await put(a, a.id, b.id)).toMatchObject(correlated(204));
    const theirs = await list(followers, b.id);
    expect(theirs).toMatchObject(correlated(200));
    expect(theirs.body).toEqual({ items: [{ userId: a.id, since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }], nextCursor: null });
    expect((await list(following, a.id)).body).toEqual({ items: [{ userId: b.id, since: theirs.body.items[0].since }], nextCursor: null });
  });

  it('unfollows: 204, idempotent, gone from both sides', async () => {
    await follows(a, b);
    expect(await remove(a, a.id, b.id)).toMatchObject(correlated(204));
    expect(await remove(a, a.id, b.id)).toMatchObject(correlated(204));
    expect((await list(followers, b.id)).body).toEqual({ items: [], nextCursor: null });
    expect((await list(following, a.id)).body).toEqual({ items: [], nextCursor: null });
  });

  it('answers 403 for following or unfollowing on someone else`s behalf, and changes nothing', async () => {
    const c = await aUser();
    expect(await put(a, b.id, c.id)).toMatchObject(refused(403));
    await follows(b, c);
    expect(await remove(a, b.id, c.id)).toMatchObject(refused(403));
    expect(idsIn(await list(followers, c.id))).toEqual([b.id]);
  });

  it('answers 401 without a bearer token, or with one that is not ours', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer not-a-token' }, { authorization: `Bearer ${a.token.slice(0, -4)}AAAA` }]) {
      expect(await weCall(follow, { path: `/users/${a.id}/following/${b.id}`, headers })).toMatchObject(refused(401));
      expect(await weCall(unfollow, { path: `/users/${a.id}/following/${b.id}`, headers })).toMatchObject(refused(401));
    }
    expect((await list(following, a.id)).body.items).toEqual([]);
  });

  it('answers 404 for a target that names no user', async () => {
    expect(await put(a, a.id, randomUUID())).toMatchObject(refused(404));
    expect((await list(following, a.id)).body.items).toEqual([]);
  });

  it('answers 400 for following oneself', async () => {
    expect(await put(a, a.id, a.id)).toMatchObject(refused(400));
    expect((await list(following, a.id)).body.items).toEqual([]);
  });

  it('answers 415 for a body that is not JSON, 400 for JSON that does not parse', async () => {
    const path = `/users/${a.id}/following/${b.id}`;
    expect(await weCall(follow, { path, headers: { ...bearer(a), 'content-type': 'text/plain' }, body: 'please' })).toMatchObject(refused(415));
    expect(await weCall(follow, { path, headers: { ...bearer(a), 'content-type': 'application/json' }, body: '{"' })).toMatchObject(refused(400));
  });
});

describe('GET /users/{id}/followers and /following', () => {
  let star: TestUser;
  let fans: TestUser[];
  beforeAll(async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => aUser()));
    star = users[0]!;
    fans = users.slice(1);
    for (const fan of fans) await follows(fan, star);
    for (const other of fans.slice(1)) await follows(fans[0]!, other);
  });

  it('pages followers: several pages, every follower exactly once, nextCursor null at the end', async () => {
    const pages = await allPages(followers, star.id, 2);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual(fans.map((fan) => fan.id).sort());
  });

  it('pages following the same way', async () => {
    const pages = await allPages(following, fans[0]!.id, 2);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual([star, ...fans.slice(1)].map((user) => user.id).sort());
  });

  it('gives 20 by default, and takes a limit of 1–100 (followers up to 1000)', async () => {
    expect(idsIn(await list(followers, star.id))).toHaveLength(5);
    expect(idsIn(await list(followers, star.id, '?limit=1'))).toHaveLength(1);
    expect(await list(followers, star.id, '?limit=1000')).toMatchObject(correlated(200));
    expect(await list(following, fans[0]!.id, '?limit=100')).toMatchObject(correlated(200));
  });

  it.each([
    ['followers', followers, ['0', '1001', '-1', 'abc', '2.5', '1e2']],
    ['following', following, ['0', '101', '1000', 'ten']],
  ])('answers 400 for a %s limit out of range', async (_name, endpoint, limits) => {
    for (const limit of limits) expect(await list(endpoint, star.id, `?limit=${limit}`)).toMatchObject(refused(400));
  });

  it('answers 400 for a cursor it did not issue: garbage, or another list`s', async () => {
    const starsCursor = (await list(followers, star.id, '?limit=1')).body.nextCursor as string;
    expect(starsCursor).toEqual(expect.any(String));
    expect(await list(followers, fans[0]!.id, `?cursor=${starsCursor}`)).toMatchObject(refused(400));
    expect(await list(following, star.id, `?cursor=${starsCursor}`)).toMatchObject(refused(400));
    expect(await list(followers, star.id, '?cursor=not-a-cursor')).toMatchObject(refused(400));
  });

  it('answers 404 for a well-formed id that names no user, 200 and empty for a user with none', async () => {
    for (const endpoint of [followers, following]) expect(await list(endpoint, randomUUID())).toMatchObject(refused(404));
    const loner = await aUser();
    expect((await list(followers, loner.id)).body).toEqual({ items: [], nextCursor: null });
  });
});
