// Following: who follows whom, since when. Plain values in and out.
import { ForbiddenError, NotFoundError, ValidationError } from '@yubl/errors';
import { envelope, type EventEnvelope } from '@yubl/events';

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

/** user-followed and user-unfollowed's data (docs/api.md "Events") */
export interface FollowChange {
  followerId: string;
  followeeId: string;
  at: string;
}

/**
 * Each change is stored with its event at once, and only when it changes something: a retry of a
 * follow that was stored (its event in the outbox, published or not) stores nothing and announces
 * nothing again.
 */
export interface RelationshipStore extends RelationshipPages {
  /** records that follower follows target, with `followed`; false (nothing stored) if it already did */
  follow(followerId: string, targetId: string, since: string, followed: EventEnvelope<FollowChange>): Promise<boolean>;
  /** removes it, with `unfollowed`; false (nothing stored) if there was nothing to remove */
  unfollow(followerId: string, targetId: string, unfollowed: EventEnvelope<FollowChange>): Promise<boolean>;
}

export interface RelationshipPages {
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
  const at = now.toISOString();
  return store.follow(followerId, targetId, at, envelope('user-followed', { followerId, followeeId: targetId, at }, now));
}

/** Returns true when this call removed the follow (false: there was none). */
export async function unfollow(store: RelationshipStore, caller: string, followerId: string, targetId: string, now = new Date()): Promise<boolean> {
  checkIds(followerId, targetId);
  if (caller !== followerId) throw new ForbiddenError('You can only change whom you follow');
  return store.unfollow(followerId, targetId, envelope('user-unfollowed', { followerId, followeeId: targetId, at: now.toISOString() }, now));
}

/** The largest page each list gives: followers up to 1000, the page size the feed's fan-out reads (docs/api.md). */
export const MAX_PAGE: Record<Direction, number> = { followers: 1000, following: 100 };

/**
 * A page of `userId`'s list. A first page that is empty asks the users service whether the user
 * exists (404 if not): anyone with a follower or a followee exists, so only then is it a question.
 */
export async function listPage(store: RelationshipPages, users: Users, userId: string, direction: Direction, limit: number, start?: Record<string, unknown>) {
  checkIds(userId);
  const page = await store.page(userId, direction, limit, start);
  if (!start && page.items.length === 0 && !(await users.exists(userId))) throw new NotFoundError(`No user ${userId}`);
  return page;
}

/** A cursor position a list of `userId`'s `direction` could have issued. */
export const isPositionOf = (userId: string, direction: Direction) => (position: Record<string, unknown>): position is { userId: string; sk: string } =>
  position.userId === userId && typeof position.sk === 'string' && position.sk.startsWith(`${direction === 'followers' ? 'follower' : 'following'}#`) && Object.keys(position).length === 2;
