// Finding users by the start of their names. Plain values in and out.
import * as v from 'valibot';
import { ValidationError } from '@yubl/errors';

export interface User {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  joinedAt: string;
}

export const UserSchema = v.object({ id: v.string(), username: v.string(), firstName: v.string(), lastName: v.string(), joinedAt: v.string() });

export interface IndexEntry {
  bucket: string;
  sk: string;
  user: User;
}

export interface SearchIndex {
  put(entries: IndexEntry[]): Promise<void>;
  /** entries whose sk starts with `prefix` in `bucket`, at most `limit` */
  prefix(bucket: string, prefix: string, limit: number): Promise<IndexEntry[]>;
}

const MAX_RESULTS = 50;
const normalise = (name: string) => name.trim().toLowerCase();

/** The index entries for a user: one per name it can be found by. */
export function entriesFor(user: User): IndexEntry[] {
  return (['username', 'firstName', 'lastName'] as const)
    .map((field) => ({ field, term: normalise(user[field]) }))
    .filter(({ term }) => term !== '')
    .map(({ field, term }) => ({ bucket: [...term][0]!, sk: `${term}#${user.id}#${field}`, user }));
}

export async function indexUser(index: SearchIndex, user: User): Promise<void> {
  await index.put(entriesFor(user));
}

export async function searchUsers(index: SearchIndex, rawQuery: string | undefined): Promise<User[]> {
  const query = normalise(rawQuery ?? '');
  if (query.length < 1 || query.length > 50) throw new ValidationError('q must be 1 to 50 characters', [{ path: 'query.q', message: 'length 1-50' }]);
  const entries = await index.prefix([...query][0]!, query, 200);
  const users = new Map<string, User>();
  for (const entry of entries) if (users.size < MAX_RESULTS) users.set(entry.user.id, entry.user);
  return [...users.values()];
}
