import { follow, isPositionOf, listPage, unfollow, type Direction, type RelationshipStore, type Users } from '../../src/relationships';

/** Follows in a Set of "follower>target", paged as the table pages them. */
function inMemoryRelationships(): RelationshipStore & { follows: Map<string, string>; calls: string[] } {
  const follows = new Map<string, string>();
  const calls: string[] = [];
  return {
    follows,
    calls,
    async follow(followerId, targetId, since) {
      calls.push(`follow ${followerId} ${targetId}`);
      if (follows.has(`${followerId}>${targetId}`)) return false;
      follows.set(`${followerId}>${targetId}`, since);
      return true;
    },
    async unfollow(followerId, targetId) {
      calls.push(`unfollow ${followerId} ${targetId}`);
      return follows.delete(`${followerId}>${targetId}`);
    },
    async page(userId, direction, limit, start) {
      calls.push(`page ${userId} ${direction} ${limit} ${JSON.stringify(start)}`);
      return { items: [] };
    },
  };
}

const users = (...known: string[]): Users => ({ exists: async (id) => known.includes(id) });
const now = new Date('2026-02-03T04:05:06.000Z');

describe('following', () => {
  it('records that the caller follows the target, since now, once', async () => {
    const store = inMemoryRelationships();
    expect(await follow(store, users('bob'), 'ann', 'ann', 'bob', now)).toBe(true);
    expect(store.follows.get('ann>bob')).toBe('2026-02-03T04:05:06.000Z');
    expect(await follow(store, users('bob'), 'ann', 'ann', 'bob', now)).toBe(false);
  });

  it('refuses to change whom someone else follows with 403', async () => {
    const store = inMemoryRelationships();
    await expect(follow(store, users('bob'), 'eve', 'ann', 'bob', now)).rejects.toMatchObject({ status: 403, message: 'You can only change whom you follow' });
    expect(store.calls).toEqual([]);
  });

  it('refuses to follow oneself with 400', async () => {
    const store = inMemoryRelationships();
    await expect(follow(store, users('ann'), 'ann', 'ann', 'ann', now)).rejects.toMatchObject({
      status: 400,
      message: 'You cannot follow yourself',
      details: [{ path: 'path.targetId', message: 'same as id' }],
    });
    expect(store.calls).toEqual([]);
  });

  it('refuses a target that is not a user with 404', async () => {
    const store = inMemoryRelationships();
    await expect(follow(store, users(), 'ann', 'ann', 'bob', now)).rejects.toMatchObject({ status: 404, message: 'No user bob' });
    expect(store.calls).toEqual([]);
  });

  it('refuses ids that cannot be user ids with 400, one detail each, before anything else', async () => {
    const store = inMemoryRelationships();
    for (const bad of ['', 'x'.repeat(101), 'a/b', 'a b', 'a_b']) {
      await expect(follow(store, users(bad), 'ann', 'ann', bad, now)).rejects.toMatchObject({ status: 400, message: 'A user id is not valid', details: [{ path: 'path', message: 'not a user id' }] });
    }
    await expect(follow(store, users(), 'x', '', '', now)).rejects.toMatchObject({ status: 400, details: [{}, {}] });
    expect(await follow(store, users('B-9'.padEnd(100, 'z')), 'aZ-0', 'aZ-0', 'B-9'.padEnd(100, 'z'), now)).toBe(true);
  });
});

describe('unfollowing', () => {
  it('removes the follow, saying whether there was one', async () => {
    const store = inMemoryRelationships();
    await follow(store, users('bob'), 'ann', 'ann', 'bob', now);
    expect(await unfollow(store, 'ann', 'ann', 'bob')).toBe(true);
    expect(store.follows.size).toBe(0);
    expect(await unfollow(store, 'ann', 'ann', 'bob')).toBe(false);
  });

  it('refuses to change whom someone else follows with 403, and bad ids with 400', async () => {
    const store = inMemoryRelationships();
    await expect(unfollow(store, 'eve', 'ann', 'bob')).rejects.toMatchObject({ status: 403, message: 'You can only change whom you follow' });
    await expect(unfollow(store, 'ann', 'ann', 'b/b')).rejects.toMatchObject({ status: 400 });
    expect(store.calls).toEqual([]);
  });
});

describe('listing', () => {
  it('asks the store for the page as given', async () => {
    const store = inMemoryRelationships();
    await listPage(store, users('ann'), 'ann', 'followers', 20, { userId: 'ann', sk: 'follower#bob' });
    expect(store.calls).toEqual(['page ann followers 20 {"userId":"ann","sk":"follower#bob"}']);
  });

  it('refuses a bad user id with 400', async () => {
    await expect(listPage(inMemoryRelationships(), users('a/b'), 'a/b', 'following', 20)).rejects.toMatchObject({ status: 400 });
  });

  it('answers an empty first page for a known user, and 404 for a user that does not exist', async () => {
    await expect(listPage(inMemoryRelationships(), users('ann'), 'ann', 'following', 20)).resolves.toEqual({ items: [] });
    await expect(listPage(inMemoryRelationships(), users('ann'), 'nobody', 'following', 20)).rejects.toMatchObject({ status: 404 });
    // A later page (a cursor) of a list is never a question of whether the user exists.
    await expect(listPage(inMemoryRelationships(), users(), 'nobody', 'following', 20, { userId: 'nobody', sk: 'following#x' })).resolves.toEqual({ items: [] });
  });
});

describe('a list cursor', () => {
  const cases: [Direction, Record<string, unknown>, boolean][] = [
    ['followers', { userId: 'ann', sk: 'follower#bob' }, true],
    ['following', { userId: 'ann', sk: 'following#bob' }, true],
    ['followers', { userId: 'ann', sk: 'following#bob' }, false],
    ['following', { userId: 'ann', sk: 'follower#bob' }, false],
    ['followers', { userId: 'bob', sk: 'follower#bob' }, false],
    ['followers', { userId: 'ann', sk: 42 }, false],
    ['followers', { userId: 'ann', sk: 'bob' }, false],
    ['followers', { userId: 'ann', sk: 'follower#bob', extra: 1 }, false],
  ];

  it.each(cases)('of %s, at %j, is one the list could have issued: %s', (direction, position, valid) => {
    expect(isPositionOf('ann', direction)(position)).toBe(valid);
  });
});
