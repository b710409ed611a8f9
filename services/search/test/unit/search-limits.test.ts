import { entriesFor, indexUser, searchUsers, type IndexEntry, type SearchIndex, type User } from '../../src/search';

const userNo = (n: number): User => ({ id: `u${n}`, username: `ann${n}`, firstName: 'Ann', lastName: `Lee${n}`, joinedAt: '2026-01-01T00:00:00.000Z' });

/** An index that answers a fixed list and records how it was asked. */
const recordingIndex = (answer: IndexEntry[] = []): SearchIndex & { asked: unknown[][]; put: jest.Mock } => {
  const asked: unknown[][] = [];
  return {
    asked,
    put: jest.fn(async () => undefined),
    async prefix(bucket, prefix, limit) {
      asked.push([bucket, prefix, limit]);
      return answer;
    },
  };
};

describe('searching', () => {
  it('asks one bucket, by the query trimmed and lowercased, for at most 200 entries', async () => {
    const index = recordingIndex();
    await searchUsers(index, '  ÉVa ');
    expect(index.asked).toEqual([['é', 'éva', 200]]);
  });

  it('buckets by the first character, not the first UTF-16 unit', async () => {
    const index = recordingIndex();
    await searchUsers(index, '😀x');
    expect(index.asked).toEqual([['😀', '😀x', 200]]);
    expect(entriesFor({ ...userNo(1), username: '😀x' })[0]).toMatchObject({ bucket: '😀' });
  });

  it('answers at most 50 users, the first ones found', async () => {
    const entries = Array.from({ length: 60 }, (_, n) => entriesFor(userNo(n))[0]!);
    const users = await searchUsers(recordingIndex(entries), 'ann');
    expect(users).toHaveLength(50);
    expect(users[0]).toEqual(userNo(0));
    expect(users[49]).toEqual(userNo(49));
  });

  it('takes queries of 1 to 50 characters', async () => {
    await expect(searchUsers(recordingIndex(), 'a')).resolves.toEqual([]);
    await expect(searchUsers(recordingIndex(), 'a'.repeat(50))).resolves.toEqual([]);
    await expect(searchUsers(recordingIndex(), 'a'.repeat(51))).rejects.toMatchObject({ status: 400, message: 'q must be 1 to 50 characters', details: [{ path: 'query.q', message: 'length 1-50' }] });
  });
});

describe('indexing', () => {
  it('puts the user`s entries, leaving out names that are blank', async () => {
    const index = recordingIndex();
    const user = { ...userNo(1), lastName: '  ' };
    await indexUser(index, user);
    expect(index.put).toHaveBeenCalledWith([
      { bucket: 'a', sk: 'ann1#u1#username', user },
      { bucket: 'a', sk: 'ann#u1#firstName', user },
    ]);
  });
});
