import { distribute, type Followers, type Yubl } from '../../src/feed';

const yubl: Yubl = { id: 'y1', authorId: 'author', text: 'hi', postedAt: '2026-01-01T00:00:00.000Z' };

/** Followers in pages of `size`, cursors being the next index. */
const followersOf = (ids: string[], size: number): Followers & { asked: (string | undefined)[] } => {
  const asked: (string | undefined)[] = [];
  return {
    asked,
    async page(userId, cursor) {
      expect(userId).toBe('author');
      asked.push(cursor);
      const start = Number(cursor ?? 0);
      const next = start + size < ids.length ? String(start + size) : null;
      return { userIds: ids.slice(start, start + size), nextCursor: next };
    },
  };
};

describe('distributing a yubl', () => {
  it('sends one batch per page of followers, the author`s own feed with the first', async () => {
    const followers = followersOf(['f1', 'f2', 'f3', 'f4', 'f5'], 2);
    const sent: string[][] = [];
    expect(await distribute(yubl, followers, async (batch) => void sent.push(batch.followerIds))).toBe(6);
    expect(sent).toEqual([['author', 'f1', 'f2'], ['f3', 'f4'], ['f5']]);
    expect(followers.asked).toEqual([undefined, '2', '4']);
  });

  it('still reaches the author when there are no followers', async () => {
    const sent: string[][] = [];
    await distribute(yubl, followersOf([], 100), async (batch) => void sent.push(batch.followerIds));
    expect(sent).toEqual([['author']]);
  });

  it('fails when a send fails, after every send has settled', async () => {
    let settled = 0;
    const send = async (batch: { followerIds: string[] }) => {
      await new Promise((resolve) => setImmediate(resolve));
      settled += 1;
      if (batch.followerIds.includes('f3')) throw new Error('SNS is down');
    };
    await expect(distribute(yubl, followersOf(['f1', 'f2', 'f3', 'f4'], 2), send)).rejects.toThrow('SNS is down');
    expect(settled).toBe(2);
  });
});
