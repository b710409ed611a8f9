import { entriesFor, searchUsers, type IndexEntry, type SearchIndex } from '../../src/search';

const user = { id: 'u1', username: 'ann_lee', firstName: 'Ann', lastName: 'Lee', joinedAt: '2026-01-01T00:00:00.000Z' };

/** The index as a sorted list, queried the way the table is: a bucket, then a key prefix. */
const inMemoryIndex = (): SearchIndex => {
  const entries: IndexEntry[] = [];
  return {
    async put(added) {
      for (const entry of added) if (!entries.some((e) => e.bucket === entry.bucket && e.sk === entry.sk)) entries.push(entry);
    },
    async prefix(bucket, prefix, limit) {
      return entries.filter((e) => e.bucket === bucket && e.sk.startsWith(prefix)).slice(0, limit);
    },
  };
};

describe('the search index', () => {
  it('has one entry per name, lowercased, bucketed by first character', () => {
    expect(entriesFor(user).map(({ bucket, sk }) => [bucket, sk])).toEqual([
      ['a', 'ann_lee#u1#username'],
      ['a', 'ann#u1#firstName'],
      ['l', 'lee#u1#lastName'],
    ]);
  });

  it('finds a user once, whichever names match, whatever the case', async () => {
    const index = inMemoryIndex();
    await index.put(entriesFor(user));
    await index.put(entriesFor(user)); // indexed twice
    expect(await searchUsers(index, 'AN')).toEqual([user]);
    expect(await searchUsers(index, 'le')).toEqual([user]);
    expect(await searchUsers(index, 'bob')).toEqual([]);
  });

  it('refuses an empty or over-long query', async () => {
    for (const q of [undefined, '', '   ', 'x'.repeat(51)]) await expect(searchUsers(inMemoryIndex(), q)).rejects.toMatchObject({ status: 400 });
  });
});
