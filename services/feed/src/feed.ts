// Feeds: which yubls each user sees, newest first, and how a posted yubl reaches them.
import * as v from 'valibot';
import { NotFoundError } from '@yubl/errors';

export interface Yubl {
  id: string;
  authorId: string;
  text: string;
  postedAt: string;
}

export const YublSchema = v.object({ id: v.string(), authorId: v.string(), text: v.string(), postedAt: v.string() });
/** One feed-distribution message (API.md): a yubl and one batch of the users whose feeds get it. */
export const Distribution = v.object({ yubl: YublSchema, followerIds: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.maxLength(1000)) });
export type Distribution = v.InferOutput<typeof Distribution>;

export interface FeedStore {
  /** writes the yubl into every listed feed; writing it twice leaves one entry */
  add(yubl: Yubl, userIds: string[]): Promise<void>;
  page(userId: string, limit: number, start?: Record<string, unknown>): Promise<{ items: Yubl[]; next?: Record<string, unknown> }>;
  get(userId: string, yublId: string): Promise<Yubl | undefined>;
}

export interface Followers {
  /** one page of a user's followers' ids */
  page(userId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor: string | null }>;
}

/**
 * Sends a posted yubl to the author and every follower, one `send` per page of followers. The
 * author's own feed rides with the first page. Pages come one after another (each needs the last
 * one's cursor), so each page is sent while the next is fetched; any failed send fails the whole
 * distribution, to be retried (feed writes are idempotent).
 */
export async function distribute(yubl: Yubl, followers: Followers, send: (batch: Distribution) => Promise<void>): Promise<number> {
  let cursor: string | undefined;
  let first = true;
  let sent = 0;
  // Stryker disable next-line ArrayDeclaration: a plain value in allSettled is a fulfilled result: nothing fails
  const sending: Promise<void>[] = [];
  let pagingError: unknown;
  try {
    do {
      const page = await followers.page(yubl.authorId, cursor);
      const followerIds = first ? [yubl.authorId, ...page.userIds] : page.userIds;
      if (followerIds.length > 0) sending.push(send({ yubl, followerIds }));
      sent += followerIds.length;
      first = false;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  } catch (error) {
    pagingError = error;
  }
  // Settle every send before returning or failing: none left running into the next invocation.
  const results = await Promise.allSettled(sending);
  if (pagingError) throw pagingError;
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return sent;
}

export async function getFeedYubl(store: FeedStore, userId: string, yublId: string): Promise<Yubl> {
  const yubl = yublId.length <= 100 ? await store.get(userId, yublId) : undefined;
  if (!yubl) throw new NotFoundError(`No yubl ${yublId} in your feed`);
  return yubl;
}

export const isFeedPosition = (userId: string) => (position: Record<string, unknown>): position is { userId: string; yublId: string } =>
  position.userId === userId && typeof position.yublId === 'string' && Object.keys(position).length === 2;
