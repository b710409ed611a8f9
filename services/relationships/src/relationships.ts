// Following: who follows whom, since when. Plain values in and out.
import { ForbiddenError, NotFoundError, ValidationError } from '@yubl/errors';

export type Direction = 'followers' | 'following';

export interface Relationship {
  userId: string;
  since: string;
}

export interface Page<T> {
  items: T[];
  /** where the next page starts, or undefined at the end */
  next?: Record<string, unknown>;
}

export interface RelationshipStore {
  /** records that follower follows target; false if it already did */
  follow(followerId: string, targetId: string, since: string): Promise<boolean>;
  /** removes it; false if there was nothing to remove */
  unfollow(followerId: string, targetId: string): Promise<boolean>;
  page(userId: string, direction: Direction, limit: number, start?: Record<string, unknown>): Promise<Page<Relationship>>;
}

export interface Users {
  exists(userId: string): Promise<boolean>;
}

const ID = /^[A-Za-z0-9-]{1,100}$/;

function checkIds(...ids: string[]): void {
  const bad = ids.filter((id) => !ID.test(id));
  if (bad.length > 0) throw new ValidationError('A user id is not valid', bad.map(() => ({ path: 'path', message: 'not a user id' })));
}

/** Returns true when this call made the follow (false: it was there already). */
export async function follow(store: RelationshipStore, users: Users, caller: string, followerId: string, targetId: string, now = new Date()): Promise<boolean> {
  checkIds(followerId, targetId);
  if (caller !== followerId) throw new ForbiddenError('You can only change whom you follow');
  if (followerId === targetId) throw new ValidationError('You cannot follow yourself', [{ path: 'path.targetId', message: 'same as id' }]);
  if (!(await users.exists(targetId))) throw new NotFoundError(`No user ${targetId}`);
  return store.follow(followerId, targetId, now.toISOString());
}

export async function unfollow(store: RelationshipStore, caller: string, followerId: string, targetId: string): Promise<boolean> {
  checkIds(followerId, targetId);
  if (caller !== followerId) throw new ForbiddenError('You can only change whom you follow');
  return store.unfollow(followerId, targetId);
}

/** The largest page each list gives: followers up to 1000, the page size the feed's fan-out reads (docs/api.md). */
export const MAX_PAGE: Record<Direction, number> = { followers: 1000, following: 100 };

/**
 * A page of `userId`'s list. A first page that is empty asks the users service whether the user
 * exists (404 if not): anyone with a follower or a followee exists, so only then is it a question.
 */
export async function listPage(store: RelationshipStore, users: Users, userId: string, direction: Direction, limit: number, start?: Record<string, unknown>) {
  checkIds(userId);
  const page = await store.page(userId, direction, limit, start);
  if (!start && page.items.length === 0 && !(await users.exists(userId))) throw new NotFoundError(`No user ${userId}`);
  return page;
}

/** A cursor position a list of `userId`'s `direction` could have issued. */
export const isPositionOf = (userId: string, direction: Direction) => (position: Record<string, unknown>): position is { userId: string; sk: string } =>
  position.userId === userId && typeof position.sk === 'string' && position.sk.startsWith(`${direction === 'followers' ? 'follower' : 'following'}#`) && Object.keys(position).length === 2;
