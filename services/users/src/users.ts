// Users: joining, signing in, looking up. Plain values in and out.
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { ConflictError, NotFoundError, UnauthorizedError } from '@yubl/errors';
import { envelope, type EventEnvelope } from '@yubl/events';
import { isStorableText } from '@yubl/lambda';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from './passwords';

export interface User {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  joinedAt: string;
}

export interface StoredUser extends User {
  passwordHash: string;
}

export interface UserStore {
  /** stores the user, its username and its user-joined event at once; false (nothing stored) if the username is taken */
  create(user: StoredUser, joined: EventEnvelope<{ user: User }>): Promise<boolean>;
  userIdByUsername(username: string): Promise<string | undefined>;
  get(id: string): Promise<StoredUser | undefined>;
}

// 1-50 characters as sent (docs/api.md), no control characters or lone surrogates, then stored
// without surrounding spaces: a blank name is refused.
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(50), v.check((text) => isStorableText(text), 'a name holds no control characters or lone surrogates'), v.trim(), v.nonEmpty('a name is not blank'));
export const JoinRequest = v.object({
  username: v.pipe(v.string(), v.regex(/^[a-z0-9_]{3,30}$/, 'a username is 3-30 of a-z, 0-9 and _')),
  firstName: name,
  lastName: name,
  password: v.pipe(v.string(), v.minLength(8), v.maxLength(128)),
});
export type JoinRequest = v.InferOutput<typeof JoinRequest>;

export const SignInRequest = v.object({
  username: v.pipe(v.string(), v.maxLength(100)),
  password: v.pipe(v.string(), v.maxLength(128)),
});
export type SignInRequest = v.InferOutput<typeof SignInRequest>;

export const publicUser = ({ passwordHash: _hidden, ...user }: StoredUser): User => user;

export async function join(store: UserStore, request: JoinRequest, now = new Date()): Promise<User> {
  const taken = () => new ConflictError(`The username ${request.username} is taken`);
  // A taken username is refused before the password is hashed (scrypt costs tens of milliseconds).
  if (await store.userIdByUsername(request.username)) throw taken();
  const user: StoredUser = {
    id: randomUUID(),
    username: request.username,
    firstName: request.firstName,
    lastName: request.lastName,
    joinedAt: now.toISOString(),
    passwordHash: await hashPassword(request.password),
  };
  // The username's claim, the user and its event in one write: a retry after a timeout finds the
  // username taken and stores nothing more, and the first attempt's event is in the outbox.
  if (!(await store.create(user, envelope('user-joined', { user: publicUser(user) }, now)))) throw taken();
  return publicUser(user);
}

export async function signIn(store: UserStore, request: SignInRequest): Promise<User> {
  const id = await store.userIdByUsername(request.username);
  const user = id ? await store.get(id) : undefined;
  // The same work for an unknown user as for a wrong password: the answer tells nothing more.
  const matches = await verifyPassword(request.password, user?.passwordHash ?? UNUSABLE_HASH);
  if (!user || !matches) throw new UnauthorizedError('Unknown username or wrong password');
  return publicUser(user);
}

export async function getUser(store: UserStore, id: string): Promise<User> {
  const user = id.length <= 100 ? await store.get(id) : undefined;
  if (!user) throw new NotFoundError(`No user ${id}`);
  return publicUser(user);
}
