// Sign-ups with Kinesis paused (its real process, SIGSTOP): each answered 201 well within the
// function's timeout, and once Kinesis is back every user has exactly one user-joined event and
// is found by search exactly once (docs/design.md "Events are never lost: the outbox").
import { countsOf, correlated, eventually, itemsOf, localCloud, localCloudProcess, recordsOnStream, weCall, whilePaused } from '@yubl/test-harness';
import { aSignUp, postUsers } from '../support/api';

const FUNCTION_TIMEOUT_MS = 6_000;

describe('POST /users while Kinesis is paused', () => {
  it('answers 201 from the commit, and each user gets exactly one event and one search result once Kinesis is back', async () => {
    const signUps = Array.from({ length: 3 }, () => aSignUp());
    const answers = await whilePaused(localCloudProcess('run-emulator.js kinesis'), () =>
      Promise.all(
        signUps.map(async (body) => {
          const started = Date.now();
          const answer = await weCall(postUsers, { path: '/users', body });
          return { ...answer, tookMs: Date.now() - started };
        }),
      ),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject(correlated(201));
      expect(answer.tookMs).toBeLessThan(FUNCTION_TIMEOUT_MS / 2);
    }
    const ids = answers.map((answer) => answer.body.user.id as string);

    // Once the outbox holds none of them, nothing more can be published: the counts are final.
    const { stage } = localCloud();
    await eventually(
      async () => {
        const left = (await itemsOf(`users-outbox-${stage}`)).filter((item) => ids.includes(item.partitionKey));
        expect(left).toEqual([]);
        const joined = (await recordsOnStream(`users-${stage}`)).filter((record) => record.data.type === 'user-joined' && ids.includes(record.data.data?.user?.id));
        // One event per user: one event id each (a record that Kinesis took while its caller had
        // given up may be there twice under that id; consumers are idempotent on it).
        const eventIds = Object.fromEntries(ids.map((id) => [id, new Set(joined.filter((record) => record.data.data.user.id === id).map((record) => record.data.id))]));
        for (const id of ids) expect(eventIds[id]!.size).toBe(1);
      },
      { timeout: 40_000, interval: 1_000 },
    );
    await eventually(
      async () => {
        for (const { username } of signUps) {
          const found = (await (await fetch(`${localCloud().baseUrl}/search/users?q=${username}`)).json()) as { items: { id: string }[] };
          expect(countsOf(found.items.map((user) => user.id))).toEqual({ [ids[signUps.findIndex((signUp) => signUp.username === username)]!]: 1 });
        }
      },
      { timeout: 20_000, interval: 500 },
    );
  });
});
