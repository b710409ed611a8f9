import { distribute, type Distribution, type Followers, type PublishedPages, type Yubl } from '../../src/feed';

const yubl: Yubl = { id: 'y1', authorId: 'author', text: 'hi', postedAt: '2026-01-01T00:00:00.000Z' };

/** Followers in pages of `size`, cursors being the next index. */
const followersOf = (ids: string[], size: number): Followers & { asked: (string | undefined)[]; limits: number[] } => {
  const asked: (string | undefined)[] = [];
  const limits: number[] = [];
  return {
    asked,
    limits,
    async page(userId, limit, cursor) {
      expect(userId).toBe('author');
      asked.push(cursor);
      limits.push(limit);
      const start = Number(cursor ?? 0);
      const take = Math.min(size, limit);
      const next = start + take < ids.length ? String(start + take) : null;
      return { userIds: ids.slice(start, start + take), nextCursor: next };
    },
  };
};

/** Published pages kept in memory, every record written down as `eventId#page`. */
const publishedPages = (): PublishedPages & { records: string[] } => {
  const records: string[] = [];
  return {
    records,
    async of(eventId) {
      return new Set(records.filter((r) => r.startsWith(`${eventId}#`)).map((r) => Number(r.split('#')[1])));
    },
    async record(eventId, page) {
      records.push(`${eventId}#${page}`);
    },
  };
};

/** A send that writes down each batch's follower ids. */
const recorder = () => {
  const sent: string[][] = [];
  return { sent, send: async (batch: Distribution) => void sent.push(batch.followerIds) };
};

describe('distributing a yubl', () => {
  it('sends one batch per page of followers, the author`s own feed with the first, and records each page sent', async () => {
    const followers = followersOf(['f1', 'f2', 'f3', 'f4', 'f5'], 2);
    const published = publishedPages();
    const { sent, send } = recorder();
    expect(await distribute('e1', yubl, { followers, published, send })).toEqual({ recipients: 6, pagesSkipped: 0 });
    expect(sent).toEqual([['author', 'f1', 'f2'], ['f3', 'f4'], ['f5']]);
    expect(followers.asked).toEqual([undefined, '2', '4']);
    expect(published.records.sort()).toEqual(['e1#0', 'e1#1', 'e1#2']);
  });

  it('reads followers in pages of 1000, the first 999 beside the author, so that no message carries more than 1000 ids', async () => {
    const ids = Array.from({ length: 2500 }, (_, i) => `f${i}`);
    const followers = followersOf(ids, 1000);
    const { sent, send } = recorder();
    expect(await distribute('e1', yubl, { followers, published: publishedPages(), send })).toEqual({ recipients: 2501, pagesSkipped: 0 });
    expect(followers.limits).toEqual([999, 1000, 1000]);
    expect(sent.map((batch) => batch.length)).toEqual([1000, 1000, 501]);
  });

  it('still reaches the author when there are no followers', async () => {
    const { sent, send } = recorder();
    await distribute('e1', yubl, { followers: followersOf([], 100), published: publishedPages(), send });
    expect(sent).toEqual([['author']]);
  });

  it('sends nothing again when the same event is delivered twice', async () => {
    const followers = followersOf(['f1', 'f2', 'f3'], 2);
    const published = publishedPages();
    const { sent, send } = recorder();
    await distribute('e1', yubl, { followers, published, send });
    expect(await distribute('e1', yubl, { followers, published, send })).toEqual({ recipients: 0, pagesSkipped: 2 });
    expect(sent).toEqual([['author', 'f1', 'f2'], ['f3']]);
    // another event is distributed in full
    await distribute('e2', yubl, { followers, published, send });
    expect(sent).toHaveLength(4);
  });

  it('fails when a send fails, after every send has settled, and on the retry sends only the pages not sent', async () => {
    let settled = 0;
    let snsIsDown = true;
    const sent: string[][] = [];
    const send = async (batch: Distribution) => {
      await new Promise((resolve) => setImmediate(resolve));
      settled += 1;
      if (snsIsDown && batch.followerIds.includes('f3')) throw new Error('SNS is down');
      sent.push(batch.followerIds);
    };
    const followers = followersOf(['f1', 'f2', 'f3', 'f4'], 2);
    const published = publishedPages();
    await expect(distribute('e1', yubl, { followers, published, send })).rejects.toThrow('SNS is down');
    expect(settled).toBe(2);
    expect(published.records).toEqual(['e1#0']); // the failed page is not recorded
    snsIsDown = false;
    expect(await distribute('e1', yubl, { followers, published, send })).toEqual({ recipients: 2, pagesSkipped: 1 });
    expect(sent).toEqual([['author', 'f1', 'f2'], ['f3', 'f4']]);
  });
});
