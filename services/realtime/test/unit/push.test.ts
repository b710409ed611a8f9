import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PUSH, PUBLISH_TIMEOUT_MS, pushToFeeds, PushFailedError, worstRecipientMs, type FeedItem } from '../../src/push';

const yubl = { id: 'y1', authorId: 'a', text: 'hello', postedAt: '2026-12-01T10:00:00.000Z' };
const fast = { ...DEFAULT_PUSH, retryDelayMs: 1 };
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('pushToFeeds', () => {
  it('publishes the item once to every recipient, duplicates in the batch once', async () => {
    const sent: [string, FeedItem][] = [];
    const result = await pushToFeeds({ yubl, followerIds: ['a', 'b', 'c', 'b'] }, async (userId, item) => void sent.push([userId, item]), fast);
    expect(result).toEqual({ published: 3 });
    expect(sent).toEqual(['a', 'b', 'c'].map((userId) => [userId, { type: 'feed-item', yubl }]));
  });

  it('keeps no more than `concurrency` publishes in flight, and uses all of them', async () => {
    let inFlight = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const publish = () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      return new Promise<void>((resolve) => releases.push(() => ((inFlight -= 1), resolve())));
    };
    const pushing = pushToFeeds({ yubl, followerIds: Array.from({ length: 50 }, (_, i) => `u${i}`) }, publish, { ...fast, concurrency: 4 });
    for (let released = 0; released < 50; released += 1) {
      await settle();
      expect(inFlight).toBeLessThanOrEqual(4);
      releases.shift()!();
    }
    await expect(pushing).resolves.toEqual({ published: 50 });
    expect(most).toBe(4);
  });

  it('retries a failed publish, waiting longer each time, and succeeds when a retry does', async () => {
    const attempts: number[] = [];
    let failures = 2;
    const started = Date.now();
    await pushToFeeds({ yubl, followerIds: ['b'] }, async () => {
      attempts.push(Date.now() - started);
      if (failures-- > 0) throw new Error('throttled');
    }, { concurrency: 1, attempts: 3, retryDelayMs: 20 });
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(19);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(39);
  });

  it('tries every other recipient when one keeps failing, then fails the push naming it, with the cause', async () => {
    const tries: Record<string, number> = {};
    const cause = new Error('InvalidRequestException');
    // One at a time: the publishes after the failing one still happen.
    const pushing = pushToFeeds({ yubl, followerIds: ['a', 'bad', 'c'] }, async (userId) => {
      tries[userId] = (tries[userId] ?? 0) + 1;
      if (userId === 'bad') throw cause;
    }, { ...fast, concurrency: 1 });
    const error = await pushing.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PushFailedError);
    expect(error).toMatchObject({ failedUserIds: ['bad'], recipients: 3, cause });
    expect(tries).toEqual({ a: 1, bad: 3, c: 1 });
  });

  it('publishes nothing for an empty batch', async () => {
    const publish = jest.fn();
    await expect(pushToFeeds({ yubl, followerIds: [] }, publish, fast)).resolves.toEqual({ published: 0 });
    expect(publish).not.toHaveBeenCalled();
  });
});

describe('the budget of a push', () => {
  it('gives up on one recipient (every attempt timing out, and the waits) inside push-to-feeds` timeout', () => {
    const timeout = /\n {2}push-to-feeds:\n(?: {4}.*\n)*? {4}timeout: (\d+)\n/.exec(readFileSync(join(__dirname, '../../serverless.yml'), 'utf8'))?.[1];
    expect(timeout).toBeDefined();
    expect(worstRecipientMs(DEFAULT_PUSH)).toBe(3 * PUBLISH_TIMEOUT_MS + 50 + 100); // attempts × timeout, then 50 ms and 100 ms between;
    expect(worstRecipientMs(DEFAULT_PUSH)).toBeLessThan(Number(timeout) * 1000);
  });
});
