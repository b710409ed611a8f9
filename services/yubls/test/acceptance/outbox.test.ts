// Posts with Kinesis paused (its real process, SIGSTOP), and Idempotency-Key (docs/api.md
// "Retries"): each 2xx is one yubl with exactly one yubl-posted event and one feed item per reader.
import { randomUUID } from 'node:crypto';
import { correlated, countsOf, eventually, itemsOf, localCloud, localCloudProcess, recordsOnStream, refused, weCall, whilePaused } from '@yubl/test-harness';
import { aUser, bearer, follows, type TestUser } from '@yubl/test-support';
import { postYubl } from '../support/api';

const FUNCTION_TIMEOUT_MS = 6_000;

async function post(author: TestUser, text: string, key?: string) {
  const started = Date.now();
  const answer = await weCall(postYubl, { path: '/yubls', headers: { ...bearer(author), ...(key === undefined ? {} : { 'idempotency-key': key }) }, body: { text } });
  return { ...answer, tookMs: Date.now() - started };
}

/** The yubl-posted events of these yubls, by yubl id, once the outbox holds nothing of the author's: final. */
async function settledEventIds(author: TestUser, yublIds: string[]): Promise<Record<string, string[]>> {
  const { stage } = localCloud();
  return eventually(
    async () => {
      expect((await itemsOf(`yubls-outbox-${stage}`)).filter((item) => item.partitionKey === author.id)).toEqual([]);
      const posted = (await recordsOnStream(`yubls-${stage}`)).filter((record) => record.data.type === 'yubl-posted' && yublIds.includes(record.data.data?.yubl?.id));
      return Object.fromEntries(yublIds.map((id) => [id, [...new Set(posted.filter((record) => record.data.data.yubl.id === id).map((record) => record.data.id as string))]]));
    },
    { timeout: 40_000, interval: 1_000 },
  );
}

/** The distinct yubl-posted event ids of the author's posts of this text, once the outbox holds nothing of the author's. */
async function settledPostsOf(author: TestUser, text: string): Promise<string[]> {
  const { stage } = localCloud();
  return eventually(
    async () => {
      expect((await itemsOf(`yubls-outbox-${stage}`)).filter((item) => item.partitionKey === author.id)).toEqual([]);
      const posted = (await recordsOnStream(`yubls-${stage}`)).filter((record) => record.data.type === 'yubl-posted' && record.data.data?.yubl?.authorId === author.id && record.data.data.yubl.text === text);
      return [...new Set(posted.map((record) => record.data.id as string))];
    },
    { timeout: 40_000, interval: 1_000 },
  );
}

/** The reader's feed holds each of these yubls exactly once (and the feed has settled on them). */
async function expectOnceInFeed(reader: TestUser, yublIds: string[]) {
  await eventually(
    async () => {
      const answer = await fetch(`${localCloud().baseUrl}/feed?limit=100`, { headers: bearer(reader) });
      const ids = ((await answer.json()) as { items: { id: string }[] }).items.map((item) => item.id).filter((id) => yublIds.includes(id));
      expect(countsOf(ids)).toEqual(Object.fromEntries(yublIds.map((id) => [id, 1])));
    },
    { timeout: 30_000, interval: 500 },
  );
}

describe('POST /yubls while Kinesis is paused', () => {
  it('answers 201 from the commit; a retry with the same Idempotency-Key answers the same yubl; one event and one feed item each', async () => {
    const [author, reader] = await Promise.all([aUser(), aUser()]);
    await follows(reader, author);
    const key = `retry-${randomUUID()}`;
    const [first, retry, other] = await whilePaused(localCloudProcess('run-emulator.js kinesis'), async () => [await post(author, 'posted while Kinesis sleeps', key), await post(author, 'posted while Kinesis sleeps', key), await post(author, 'another, no key')]);
    for (const answer of [first!, retry!, other!]) {
      expect(answer).toMatchObject(correlated(201));
      expect(answer.tookMs).toBeLessThan(FUNCTION_TIMEOUT_MS / 2);
    }
    expect(retry!.body).toEqual(first!.body);
    const ids = [first!.body.id as string, other!.body.id as string];
    const events = await settledEventIds(author, ids);
    for (const id of ids) expect(events[id]).toHaveLength(1);
    await expectOnceInFeed(reader, ids);
    await expectOnceInFeed(author, ids);
  });
});

describe('Idempotency-Key on POST /yubls', () => {
  let author: TestUser;
  beforeAll(async () => {
    author = await aUser();
  });

  it('the same key twice: one yubl, the first answer again (201, same body), one event', async () => {
    const key = `k-${randomUUID()}`;
    const first = await post(author, 'once only', key);
    const again = await post(author, 'once only', key);
    expect(first).toMatchObject(correlated(201));
    expect(again).toMatchObject(correlated(201));
    expect(again.body).toEqual(first.body);
    expect(await settledPostsOf(author, 'once only')).toHaveLength(1);
  });

  it('the same key with another body: 409 IdempotencyKeyReused, nothing posted', async () => {
    const key = `k-${randomUUID()}`;
    const first = await post(author, 'the first text', key);
    const reused = await post(author, 'another text', key);
    expect(reused).toMatchObject({ ...correlated(409), body: { error: expect.objectContaining({ code: 'IdempotencyKeyReused', message: expect.any(String) }) } });
    expect((await post(author, 'the first text', key)).body).toEqual(first.body);
    expect(await settledPostsOf(author, 'another text')).toHaveLength(0);
    expect(await settledPostsOf(author, 'the first text')).toHaveLength(1);
  });

  it('the same key by another author: a post of its own', async () => {
    const key = `k-${randomUUID()}`;
    const other = await aUser();
    const mine = await post(author, 'same key, two authors', key);
    const theirs = await post(other, 'same key, two authors', key);
    expect(theirs).toMatchObject({ ...correlated(201), body: { authorId: other.id } });
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it.each([
    ['101 characters', 'k'.repeat(101)],
    ['a character that is not ASCII', 'clé'],
  ])('answers 400 for a key of %s, posting nothing', async (_case, key) => {
    expect(await post(author, 'not posted', key)).toMatchObject(refused(400));
  });

  it('takes a key of 1 and of 100 printable characters', async () => {
    expect(await post(author, 'a one-character key', '!')).toMatchObject(correlated(201));
    expect(await post(author, 'a long key', ` ~${randomUUID()}${'x'.repeat(62)}`)).toMatchObject(correlated(201));
  });
});
