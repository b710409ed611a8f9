import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { verifyPassword } from '../../src/passwords';
import { getUser, join, JoinRequest, signIn, SignInRequest, type StoredUser, type UserStore } from '../../src/users';

// scrypt is passwords.test.ts's subject; here a fast stand-in with the same contract keeps these
// tests (and every mutant they run for) quick, and lets them see what was verified against what.
jest.mock('../../src/passwords', () => {
  const { createHash: hash } = jest.requireActual<{ createHash: typeof createHash }>('node:crypto');
  const digest = (password: string) => `sha256$${hash('sha256').update(password).digest('hex')}`;
  return {
    UNUSABLE_HASH: 'unusable',
    hashPassword: jest.fn(async (password: string) => digest(password)),
    verifyPassword: jest.fn(async (password: string, stored: string) => stored === digest(password)),
  };
});
const verified = jest.mocked(verifyPassword);
const digestOf = (password: string) => `sha256$${createHash('sha256').update(password).digest('hex')}`;
beforeEach(() => verified.mockClear());

/** Users, claimed usernames and events in Maps, with the store's all-at-once create. */
function inMemoryUsers(): UserStore & { users: Map<string, StoredUser>; usernames: Map<string, string>; events: string[]; gets: string[] } {
  const users = new Map<string, StoredUser>();
  const usernames = new Map<string, string>();
  const events: string[] = [];
  const gets: string[] = [];
  return {
    users,
    usernames,
    events,
    gets,
    async create(user, joined) {
      if (usernames.has(user.username)) return false;
      usernames.set(user.username, user.id);
      users.set(user.id, user);
      events.push(`${joined.type} ${joined.data.user.id}`);
      return true;
    },
    async userIdByUsername(username) {
      return usernames.get(username);
    },
    async get(id) {
      gets.push(id);
      return users.get(id);
    },
  };
}

const ann = { username: 'ann_lee', firstName: 'Ann', lastName: 'Lee', password: 'correct horse' };
const now = new Date('2026-02-03T04:05:06.000Z');

describe('joining', () => {
  it('stores the user under a new id, with a password hash rather than the password, and answers without the hash', async () => {
    const store = inMemoryUsers();
    const user = await join(store, ann, now);
    expect(user).toEqual({ id: expect.any(String), username: 'ann_lee', firstName: 'Ann', lastName: 'Lee', joinedAt: '2026-02-03T04:05:06.000Z' });
    expect(store.usernames.get('ann_lee')).toBe(user.id);
    const stored = store.users.get(user.id)!;
    expect(stored.passwordHash).toBe(digestOf('correct horse'));
    expect(JSON.stringify(stored)).not.toContain('correct horse');
  });

  it('gives each user their own id', async () => {
    const store = inMemoryUsers();
    const first = await join(store, ann, now);
    const second = await join(store, { ...ann, username: 'bob' }, now);
    expect(first.id).not.toBe(second.id);
  });

  it('refuses a username that is taken with 409, leaving its holder as they were', async () => {
    const store = inMemoryUsers();
    const first = await join(store, ann, now);
    await expect(join(store, { ...ann, firstName: 'Other' }, now)).rejects.toMatchObject({ status: 409, message: 'The username ann_lee is taken' });
    expect(store.usernames.get('ann_lee')).toBe(first.id);
    expect(store.users.size).toBe(1);
  });

  it('announces the user it stored with user-joined, without the hash', async () => {
    const store = inMemoryUsers();
    const user = await join(store, ann, now);
    expect(store.events).toEqual([`user-joined ${user.id}`]);
  });

  it('refuses with 409, storing and announcing nothing, when the username was claimed between the look and the write', async () => {
    const store = inMemoryUsers();
    const first = await join(store, ann, now);
    // The look finds the username free; the write finds it taken (two sign-ups at once).
    const racing = { ...store, userIdByUsername: async () => undefined };
    await expect(join(racing, { ...ann, firstName: 'Other' }, now)).rejects.toMatchObject({ status: 409 });
    expect(store.usernames.get('ann_lee')).toBe(first.id);
    expect(store.events).toHaveLength(1);
  });

  it('refuses a taken username before hashing the password', async () => {
    const store = inMemoryUsers();
    await join(store, ann, now);
    const { hashPassword } = jest.requireMock<{ hashPassword: jest.Mock }>('../../src/passwords');
    hashPassword.mockClear();
    await expect(join(store, ann, now)).rejects.toMatchObject({ status: 409 });
    expect(hashPassword).not.toHaveBeenCalled();
  });
});

describe('signing in', () => {
  it('answers the user, without the hash, for the right password', async () => {
    const store = inMemoryUsers();
    const joined = await join(store, ann, now);
    const user = await signIn(store, { username: 'ann_lee', password: 'correct horse' });
    expect(user).toEqual(joined);
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('refuses a wrong password and an unknown username alike, with 401', async () => {
    const store = inMemoryUsers();
    await join(store, ann, now);
    const refusal = { status: 401, message: 'Unknown username or wrong password' };
    await expect(signIn(store, { username: 'ann_lee', password: 'wrong horse' })).rejects.toMatchObject(refusal);
    store.gets.length = 0;
    verified.mockClear();
    await expect(signIn(store, { username: 'nobody', password: 'correct horse' })).rejects.toMatchObject(refusal);
    expect(store.gets).toEqual([]); // an unknown username reads no user
    // but costs a password check all the same, against a hash that matches nothing
    expect(verified.mock.calls).toEqual([['correct horse', 'unusable']]);
  });

  it('refuses a username whose user is missing, checking the password against the unusable hash', async () => {
    const store = inMemoryUsers();
    store.usernames.set('ghost', 'missing-id');
    await expect(signIn(store, { username: 'ghost', password: '' })).rejects.toMatchObject({ status: 401 });
    expect(store.gets).toEqual(['missing-id']);
    expect(verified.mock.calls).toEqual([['', 'unusable']]);
  });
});

describe('looking a user up', () => {
  it('answers the user without the hash', async () => {
    const store = inMemoryUsers();
    const joined = await join(store, ann, now);
    expect(await getUser(store, joined.id)).toEqual(joined);
  });

  it('answers 404 for an unknown id, and for one too long to be an id without asking the store', async () => {
    const store = inMemoryUsers();
    await expect(getUser(store, 'nobody')).rejects.toMatchObject({ status: 404, message: 'No user nobody' });
    await expect(getUser(store, 'x'.repeat(101))).rejects.toMatchObject({ status: 404 });
    expect(store.gets).toEqual(['nobody']);
    await getUser(store, 'y'.repeat(100)).catch(() => undefined);
    expect(store.gets).toEqual(['nobody', 'y'.repeat(100)]);
  });
});

describe('the requests', () => {
  const joinIssues = (body: unknown) => v.safeParse(JoinRequest, body).issues?.map((issue) => issue.message) ?? [];

  it('take a username of 3-30 of a-z, 0-9 and _', () => {
    expect(joinIssues(ann)).toEqual([]);
    expect(joinIssues({ ...ann, username: 'a_9'.padEnd(30, 'x') })).toEqual([]);
    for (const username of ['ab', 'x'.repeat(31), 'Ann', 'ann lee', 'ann-lee']) expect(joinIssues({ ...ann, username })).toEqual(['a username is 3-30 of a-z, 0-9 and _']);
  });

  it('trim names, and want 1-50 characters of each', () => {
    expect(v.parse(JoinRequest, { ...ann, firstName: '  Ann ' }).firstName).toBe('Ann');
    expect(joinIssues({ ...ann, lastName: 'x'.repeat(50) })).toEqual([]);
    for (const lastName of ['', '   ', 'x'.repeat(51)]) expect(joinIssues({ ...ann, lastName })).toHaveLength(1);
  });

  it('want a password of 8-128 characters to join, and at most 128 to sign in', () => {
    expect(joinIssues({ ...ann, password: '12345678' })).toEqual([]);
    expect(joinIssues({ ...ann, password: '1234567' })).toHaveLength(1);
    expect(joinIssues({ ...ann, password: 'x'.repeat(129) })).toHaveLength(1);
    expect(v.safeParse(SignInRequest, { username: 'ann_lee', password: 'x' }).success).toBe(true);
    expect(v.safeParse(SignInRequest, { username: 'ann_lee', password: 'x'.repeat(129) }).success).toBe(false);
    expect(v.safeParse(SignInRequest, { username: 'x'.repeat(101), password: 'x' }).success).toBe(false);
  });
});
