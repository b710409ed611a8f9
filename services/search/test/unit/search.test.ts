import { entriesFor, indexUser, searchUsers, type IndexEntry, type SearchIndex } from '../../src/search';

const user = { id: 'u1', username: 'ann_lee', firstName: 'Ann', lastName: 'Lee', joinedAt: '2026-01-01T00:00:00.000Z' };

/**
 * The index as a plain list of every entry ever put, answering a query as the table does: one
 * bucket, keys by prefix, in key order. It removes no duplicate itself: whatever de-duplication a
 * search needs is the domain code's, and `keys()` shows what a put twice would leave in the table.
 */
const inMemoryIndex = () => {
  const entries: IndexEntry[] = [];
  const index: SearchIndex & { keys(): Set<string> } = {
    async put(added) {
      entries.push(...added);
    },
    async prefix(bucket, prefix, limit) {
      return entries
        .filter((e) => e.bucket === bucket && e.sk.startsWith(prefix))
        .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
        .slice(0, limit);
    },
    keys: () => new Set(entries.map((e) => `${e.bucket}/${e.sk}`)),
  };
  return index;
};

describe('the search index', () => {
  it('has one entry per name, lowercased, bucketed by first character', () => {
    expect(entriesFor(user).map(({ bucket, sk }) => [bucket, sk])).toEqual([
      ['a', 'ann_lee#u1#username'],
      ['a', 'ann#u1#firstName'],
      ['l', 'lee#u1#lastName'],
    ]);
  });

  it('finds a user once, whichever names match, whatever the case, when the index holds their entries twice', async () => {
    const index = inMemoryIndex();
    await indexUser(index, user);
    await indexUser(index, user); // a redelivered user-joined
    expect(await searchUsers(index, 'AN')).toEqual([user]);
    expect(await searchUsers(index, 'le')).toEqual([user]);
    expect(await searchUsers(index, 'bob')).toEqual([]);
  });

  it('indexes a user twice under the same keys, so that the table keeps one entry per name', async () => {
    const index = inMemoryIndex();
    await indexUser(index, user);
    await indexUser(index, user);
    expect(index.keys()).toEqual(new Set(['a/ann_lee#u1#username', 'a/ann#u1#firstName', 'l/lee#u1#lastName']));
  });

  it('refuses an empty or over-long query', async () => {
    for (const q of [undefined, '', '   ', 'x'.repeat(51)]) await expect(searchUsers(inMemoryIndex(), q)).rejects.toMatchObject({ status: 400 });
  });
});
