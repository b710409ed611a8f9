// Follows and unfollows with Kinesis paused (its real process, SIGSTOP): answered 204 well within
// the function's timeout, a retry stores and announces nothing more, and once Kinesis is back each
// change has exactly one event (docs/design.md "Events are never lost: the outbox").
import { correlated, eventually, itemsOf, localCloud, localCloudProcess, recordsOnStream, weCall, whilePaused, type StreamRecord } from '@yubl/test-harness';
import { aUser, bearer, type TestUser } from '@yubl/test-support';
import { follow, following, unfollow } from '../support/api';

const FUNCTION_TIMEOUT_MS = 6_000;

async function timed(call: () => ReturnType<typeof weCall>) {
  const started = Date.now();
  const answer = await call();
  return { ...answer, tookMs: Date.now() - started };
}
const put = (caller: TestUser, target: TestUser) => timed(() => weCall(follow, { path: `/users/${caller.id}/following/${target.id}`, headers: bearer(caller) }));
const remove = (caller: TestUser, target: TestUser) => timed(() => weCall(unfollow, { path: `/users/${caller.id}/following/${target.id}`, headers: bearer(caller) }));
const kinesis = () => localCloudProcess('run-emulator.js kinesis');

/** The pair's records on the users stream, once the outbox holds nothing of the follower's: final. */
async function settledRecords(follower: TestUser, followee: TestUser): Promise<StreamRecord[]> {
  const { stage } = localCloud();
  return eventually(
    async () => {
      expect((await itemsOf(`relationships-outbox-${stage}`)).filter((item) => item.partitionKey === follower.id)).toEqual([]);
      return (await recordsOnStream(`users-${stage}`)).filter((record) => record.data.data?.followerId === follower.id && record.data.data?.followeeId === followee.id);
    },
    { timeout: 40_000, interval: 1_000 },
  );
}
const eventIdsOf = (records: StreamRecord[], type: string) => [...new Set(records.filter((record) => record.data.type === type).map((record) => record.data.id))];

describe('follow and unfollow while Kinesis is paused', () => {
  let a: TestUser;
  let b: TestUser;
  beforeEach(async () => {
    [a, b] = await Promise.all([aUser(), aUser()]);
  });

  it('a follow and its retry: 204 twice from the commit, one follow, one user-followed event', async () => {
    const answers = await whilePaused(kinesis(), async () => [await put(a, b), await put(a, b)]);
    for (const answer of answers) {
      expect(answer).toMatchObject(correlated(204));
      expect(answer.tookMs).toBeLessThan(FUNCTION_TIMEOUT_MS / 2);
    }
    const records = await settledRecords(a, b);
    expect(eventIdsOf(records, 'user-followed')).toHaveLength(1);
    expect(records.every((record) => record.data.type === 'user-followed')).toBe(true);
    expect((await weCall(following, { path: `/users/${a.id}/following` })).body.items.map((item: { userId: string }) => item.userId)).toEqual([b.id]);
  });

  it('a follow left to the relay and an unfollow published before it: ends unfollowed, one event each, the later one by `at`', async () => {
    expect(await whilePaused(kinesis(), () => put(a, b))).toMatchObject(correlated(204));
    // Kinesis is back: the unfollow's own publish goes at once, ahead of the follow's (the relay
    // leaves an item alone until it is older than a producer's timeout).
    expect(await remove(a, b)).toMatchObject(correlated(204));
    const records = await settledRecords(a, b);
    const [followed] = eventIdsOf(records, 'user-followed');
    const [unfollowed] = eventIdsOf(records, 'user-unfollowed');
    expect(eventIdsOf(records, 'user-followed')).toHaveLength(1);
    expect(eventIdsOf(records, 'user-unfollowed')).toHaveLength(1);
    // Published out of order: the relay's user-followed is the stream's last word on the pair...
    expect(records.at(-1)!.data.id).toBe(followed);
    // ...and yet the pair is unfollowed: the state is the table's, written in order, and each
    // event says when it happened, so that a consumer keeps the latest `at`, not the latest arrival.
    const at = (id: string | undefined) => records.find((record) => record.data.id === id)!.data.data.at as string;
    expect(at(unfollowed) > at(followed)).toBe(true);
    expect((await weCall(following, { path: `/users/${a.id}/following` })).body.items).toEqual([]);
  });
});
