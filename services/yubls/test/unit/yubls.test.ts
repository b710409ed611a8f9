import * as v from 'valibot';
import { getYubl, idempotencyKey, postYubl, PostRequest, type IdempotencyRecord, type Yubl, type YublStore } from '../../src/yubls';

/** Yubls, their events and idempotency records in Maps, with the store's all-at-once post. */
function inMemoryYubls(): YublStore & { yubls: Map<string, Yubl>; events: string[]; records: Map<string, IdempotencyRecord>; gets: string[] } {
  const yubls = new Map<string, Yubl>();
  const records = new Map<string, IdempotencyRecord>();
  const events: string[] = [];
  const gets: string[] = [];
  return {
    yubls,
    records,
    events,
    gets,
    async post(yubl, posted, idempotency) {
      if (idempotency) {
        const held = records.get(`${idempotency.authorId}#${idempotency.key}`);
        if (held && held.expiresAt * 1000 > Date.parse(yubl.postedAt)) return false;
        records.set(`${idempotency.authorId}#${idempotency.key}`, idempotency);
      }
      yubls.set(yubl.id, yubl);
      events.push(`${posted.type} ${posted.data.yubl.id}`);
      return true;
    },
    async idempotencyRecord(authorId, key) {
      return records.get(`${authorId}#${key}`);
    },
    async get(id) {
      gets.push(id);
      return yubls.get(id);
    },
  };
}

const at = new Date('2026-02-03T04:05:06.000Z');

describe('posting a yubl', () => {
  it('stores it by its author, posted now, with its yubl-posted event, and answers it', async () => {
    const store = inMemoryYubls();
    const { yubl, isNew } = await postYubl(store, 'ann', 'hello', undefined, at);
    expect(isNew).toBe(true);
    expect(yubl).toEqual({ id: expect.any(String), authorId: 'ann', text: 'hello', postedAt: '2026-02-03T04:05:06.000Z' });
    expect(store.yubls.get(yubl.id)).toEqual(yubl);
    expect(store.events).toEqual([`yubl-posted ${yubl.id}`]);
  });

  it('gives later yubls ids that sort after earlier ones', async () => {
    const store = inMemoryYubls();
    const earlier = await postYubl(store, 'ann', 'one', undefined, at);
    const later = await postYubl(store, 'ann', 'two', undefined, new Date(at.getTime() + 1));
    expect(earlier.yubl.id < later.yubl.id).toBe(true);
  });

  it('takes 1-500 characters of text', () => {
    for (const text of ['x', 'x'.repeat(500)]) expect(v.safeParse(PostRequest, { text }).success).toBe(true);
    for (const text of ['', 'x'.repeat(501)]) expect(v.safeParse(PostRequest, { text }).success).toBe(false);
  });
});

describe('an Idempotency-Key', () => {
  it('answers a repeat with the first yubl, storing and announcing nothing more', async () => {
    const store = inMemoryYubls();
    const first = await postYubl(store, 'ann', 'hello', 'k1', at);
    const again = await postYubl(store, 'ann', 'hello', 'k1', new Date(at.getTime() + 60_000));
    expect(again).toEqual({ yubl: first.yubl, isNew: false });
    expect(store.yubls.size).toBe(1);
    expect(store.events).toHaveLength(1);
  });

  it('refuses the same key with another body with 409 IdempotencyKeyReused', async () => {
    const store = inMemoryYubls();
    await postYubl(store, 'ann', 'hello', 'k1', at);
    await expect(postYubl(store, 'ann', 'goodbye', 'k1', at)).rejects.toMatchObject({ status: 409, code: 'IdempotencyKeyReused' });
    expect(store.yubls.size).toBe(1);
  });

  it('is each author`s own, and lasts 24 hours', async () => {
    const store = inMemoryYubls();
    const ann = await postYubl(store, 'ann', 'hello', 'k1', at);
    const bob = await postYubl(store, 'bob', 'hello', 'k1', at);
    expect(bob.yubl.id).not.toBe(ann.yubl.id);
    const dayLater = await postYubl(store, 'ann', 'hello', 'k1', new Date(at.getTime() + 24 * 3600 * 1000));
    expect(dayLater.isNew).toBe(true);
    expect(store.yubls.size).toBe(3);
  });

  it('answers the winner`s yubl when another request with the key committed first', async () => {
    const store = inMemoryYubls();
    const winner = await postYubl(store, 'ann', 'hello', 'k1', at);
    // The record appears between this request's look and its commit.
    const lookedTooEarly = { ...store, idempotencyRecord: answeringFirst(store.idempotencyRecord, undefined) };
    expect(await postYubl(lookedTooEarly, 'ann', 'hello', 'k1', at)).toEqual({ yubl: winner.yubl, isNew: false });
  });

  it.each([['k', 'k'], ['x'.repeat(100), 'x'.repeat(100)], [undefined, undefined]])('takes %s', (header, key) => {
    expect(idempotencyKey(header)).toBe(key);
  });

  it.each(['', 'x'.repeat(101), 'clé', 'tab\there'])('refuses %j with 400', (header) => {
    expect(() => idempotencyKey(header)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('reading a yubl', () => {
  it('answers the stored yubl', async () => {
    const store = inMemoryYubls();
    const { yubl } = await postYubl(store, 'ann', 'hello');
    expect(await getYubl(store, yubl.id)).toEqual(yubl);
  });

  it('answers 404 for an unknown id, and for one too long to be an id without asking the store', async () => {
    const store = inMemoryYubls();
    await expect(getYubl(store, 'nope')).rejects.toMatchObject({ status: 404, message: 'No yubl nope' });
    await expect(getYubl(store, 'x'.repeat(101))).rejects.toMatchObject({ status: 404 });
    await getYubl(store, 'y'.repeat(100)).catch(() => undefined);
    expect(store.gets).toEqual(['nope', 'y'.repeat(100)]);
  });
});

/** `fn`, answering `first` on its first call and as itself after. */
function answeringFirst<A extends unknown[], R>(fn: (...args: A) => Promise<R>, first: R): (...args: A) => Promise<R> {
  let called = false;
  return async (...args) => {
    if (called) return fn(...args);
    called = true;
    return first;
  };
}
