import * as v from 'valibot';
import { distribute, Distribution, getFeedYubl, isFeedPosition, type FeedStore, type Followers, type PublishedPages, type Yubl } from '../../src/feed';

const yubl: Yubl = { id: 'y1', authorId: 'author', text: 'hi', postedAt: '2026-01-01T00:00:00.000Z' };
// No page of this event published before.
const noPagesYet: PublishedPages = { of: async () => new Set(), record: async () => undefined };

function oneFeed(userId: string, yubls: Yubl[]): FeedStore & { gets: string[] } {
  const gets: string[] = [];
  return {
    gets,
    async add() {},
    async page() {
      return { items: yubls };
    },
    async get(user, yublId) {
      gets.push(yublId);
      return user === userId ? yubls.find((y) => y.id === yublId) : undefined;
    },
  };
}

describe('a yubl in a feed', () => {
  it('is answered from the reader`s own feed', async () => {
    expect(await getFeedYubl(oneFeed('ann', [yubl]), 'ann', 'y1')).toEqual(yubl);
  });

  it('is a 404 when it is not in the reader`s feed, and for an id too long to be one without asking the store', async () => {
    const store = oneFeed('ann', [yubl]);
    await expect(getFeedYubl(store, 'bob', 'y1')).rejects.toMatchObject({ status: 404, message: 'No yubl y1 in your feed' });
    await expect(getFeedYubl(store, 'ann', 'x'.repeat(101))).rejects.toMatchObject({ status: 404 });
    await getFeedYubl(store, 'ann', 'y'.repeat(100)).catch(() => undefined);
    expect(store.gets).toEqual(['y1', 'y'.repeat(100)]);
  });
});

describe('a feed cursor', () => {
  it.each([
    [{ userId: 'ann', yublId: 'y1' }, true],
    [{ userId: 'bob', yublId: 'y1' }, false],
    [{ userId: 'ann', yublId: 1 }, false],
    [{ userId: 'ann' }, false],
    [{ userId: 'ann', yublId: 'y1', extra: true }, false],
  ])('at %j is one ann`s feed could have issued: %s', (position, valid) => {
    expect(isFeedPosition('ann')(position)).toBe(valid);
  });
});

describe('a distribution message', () => {
  it('carries a yubl and 1-1000 follower ids, none empty', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
    expect(v.safeParse(Distribution, { yubl, followerIds: ids(1000) }).success).toBe(true);
    expect(v.safeParse(Distribution, { yubl, followerIds: ids(1001) }).success).toBe(false);
    expect(v.safeParse(Distribution, { yubl, followerIds: ['f1', ''] }).success).toBe(false);
    expect(v.safeParse(Distribution, { yubl: { ...yubl, text: 1 }, followerIds: ['f1'] }).success).toBe(false);
  });
});

describe('distributing when the followers cannot be read', () => {
  it('fails with the paging error, once the pages already sent have settled', async () => {
    let page = 0;
    const followers: Followers = {
      async page() {
        page += 1;
        if (page === 2) throw new Error('relationships is down');
        return { userIds: ['f1'], nextCursor: 'next' };
      },
    };
    const settled: string[][] = [];
    const send = async (batch: { followerIds: string[] }) => {
      await new Promise((resolve) => setImmediate(resolve));
      settled.push(batch.followerIds);
    };
    await expect(distribute('e1', yubl, { followers, published: noPagesYet, send })).rejects.toThrow('relationships is down');
    expect(settled).toEqual([['author', 'f1']]);
  });

  it('sends no empty batch for an empty page after the first', async () => {
    const pages = [{ userIds: ['f1'], nextCursor: 'a' }, { userIds: [], nextCursor: 'b' }, { userIds: ['f2'], nextCursor: null }];
    const followers: Followers = { page: async () => pages.shift()! };
    const sent: string[][] = [];
    const send = async (batch: { followerIds: string[] }) => void sent.push(batch.followerIds);
    expect(await distribute('e1', yubl, { followers, published: noPagesYet, send })).toEqual({ recipients: 3, pagesSkipped: 0 });
    expect(sent).toEqual([['author', 'f1'], ['f2']]);
  });
});
