// POST /users retried after the client gave up on a first attempt that committed: the retry
// changes nothing (409, docs/api.md: the username is taken, by the first attempt) and the user has
// exactly one user-joined event on the stream (docs/design.md "Events are never lost").
import { eventually, itemsOf, localCloud, recordsOnStream, sendAndHangUp, weCall } from '@yubl/test-harness';
import { aSignUp, postSessions, postUsers } from '../support/api';

describe('POST /users retried after a client timeout', () => {
  it('stores one user; the retry answers 409 and announces nothing more: one user-joined event', async () => {
    const { baseUrl, stage } = localCloud();
    const signUp = aSignUp();
    await sendAndHangUp(`${baseUrl}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signUp) });

    // The first attempt went on without its client: once it committed, the user can sign in.
    const session = await eventually(async () => {
      const answer = await weCall(postSessions, { path: '/sessions', body: { username: signUp.username, password: signUp.password } });
      expect(answer.status).toBe(200);
      return answer;
    }, { timeout: 20_000, interval: 250 });
    const id = session.body.user.id as string;

    const retry = await weCall(postUsers, { path: '/users', body: signUp });
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('Conflict');

    await eventually(async () => {
      expect((await itemsOf(`users-outbox-${stage}`)).filter((item) => item.partitionKey === id)).toEqual([]);
      const joined = (await recordsOnStream(`users-${stage}`)).filter((record) => record.data.type === 'user-joined' && record.data.data?.user?.username === signUp.username);
      expect(new Set(joined.map((record) => record.data.id)).size).toBe(1);
      expect(joined.every((record) => record.data.data.user.id === id)).toBe(true);
    }, { timeout: 30_000, interval: 1_000 });
  });
});
