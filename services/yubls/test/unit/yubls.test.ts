import * as v from 'valibot';
import { getYubl, postYubl, PostRequest, type Yubl, type YublStore } from '../../src/yubls';

function inMemoryYubls(): YublStore & { yubls: Map<string, Yubl>; gets: string[] } {
  const yubls = new Map<string, Yubl>();
  const gets: string[] = [];
  return {
    yubls,
    gets,
    async put(yubl) {
      yubls.set(yubl.id, yubl);
    },
    async get(id) {
      gets.push(id);
      return yubls.get(id);
    },
  };
}

describe('posting a yubl', () => {
  it('stores it by its author, posted now, and answers it', async () => {
    const store = inMemoryYubls();
    const yubl = await postYubl(store, 'ann', 'hello', new Date('2026-02-03T04:05:06.000Z'));
    expect(yubl).toEqual({ id: expect.any(String), authorId: 'ann', text: 'hello', postedAt: '2026-02-03T04:05:06.000Z' });
    expect(store.yubls.get(yubl.id)).toEqual(yubl);
  });

  it('gives later yubls ids that sort after earlier ones', async () => {
    const store = inMemoryYubls();
    const earlier = await postYubl(store, 'ann', 'one', new Date('2026-02-03T04:05:06.000Z'));
    const later = await postYubl(store, 'ann', 'two', new Date('2026-02-03T04:05:06.001Z'));
    expect(earlier.id < later.id).toBe(true);
  });

  it('takes 1-500 characters of text', () => {
    for (const text of ['x', 'x'.repeat(500)]) expect(v.safeParse(PostRequest, { text }).success).toBe(true);
    for (const text of ['', 'x'.repeat(501)]) expect(v.safeParse(PostRequest, { text }).success).toBe(false);
  });
});

describe('reading a yubl', () => {
  it('answers the stored yubl', async () => {
    const store = inMemoryYubls();
    const yubl = await postYubl(store, 'ann', 'hello');
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
