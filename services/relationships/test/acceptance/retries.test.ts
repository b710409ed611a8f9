// PUT /users/{id}/following/{targetId} retried after the client gave up on a first attempt that
// committed: the retry answers 204 and changes nothing, and the follow has exactly one
// user-followed event on the stream, however it got there (the first attempt or the relay).
import { eventually, itemsOf, localCloud, recordsOnStream, sendAndHangUp, weCall } from '@yubl/test-harness';
import { aUser, bearer } from '@yubl/test-support';
import { follow, following } from '../support/api';

describe('a follow retried after a client timeout', () => {
  it('is one follow; the retry answers 204; one user-followed event', async () => {
    const { baseUrl, stage } = localCloud();
    const [a, b] = await Promise.all([aUser(), aUser()]);
    await sendAndHangUp(`${baseUrl}/users/${a.id}/following/${b.id}`, { method: 'PUT', headers: bearer(a) });

    await eventually(async () => {
      const answer = await weCall(following, { path: `/users/${a.id}/following` });
      expect(answer.body.items.map((item: { userId: string }) => item.userId)).toEqual([b.id]);
    }, { timeout: 20_000, interval: 250 });

    const retry = await weCall(follow, { path: `/users/${a.id}/following/${b.id}`, headers: bearer(a) });
    expect(retry.status).toBe(204);
    expect((await weCall(following, { path: `/users/${a.id}/following` })).body.items).toHaveLength(1);

    await eventually(async () => {
      expect((await itemsOf(`relationships-outbox-${stage}`)).filter((item) => item.partitionKey === a.id)).toEqual([]);
      const followed = (await recordsOnStream(`users-${stage}`)).filter((record) => record.data.type === 'user-followed' && record.data.data?.followerId === a.id && record.data.data?.followeeId === b.id);
      expect(new Set(followed.map((record) => record.data.id)).size).toBe(1);
    }, { timeout: 30_000, interval: 1_000 });
  });
});
