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
/** One feed-distribution message (docs/api.md): a yubl and one batch of the users whose feeds get it. */
export const DISTRIBUTION_MAX_RECIPIENTS = 1000;
export const Distribution = v.object({ yubl: YublSchema, followerIds: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.maxLength(DISTRIBUTION_MAX_RECIPIENTS)) });
export type Distribution = v.InferOutput<typeof Distribution>;

export interface FeedStore {
  /** writes the yubl into every listed feed; writing it twice leaves one entry */
  add(yubl: Yubl, userIds: string[]): Promise<void>;
  page(userId: string, limit: number, start?: Record<string, unknown>): Promise<{ items: Yubl[]; next?: Record<string, unknown> }>;
  get(userId: string, yublId: string): Promise<Yubl | undefined>;
}

export interface Followers {
  /** one page of a user's followers' ids, at most `limit` */
  page(userId: string, limit: number, cursor?: string): Promise<{ userIds: string[]; nextCursor: string | null }>;
}

/**
 * The pages of a distribution already published, by the id of the event that asked for it: a
 * redelivered event (Kinesis retries, the outbox relay; docs/api.md: at least once) publishes none twice.
 */
export interface PublishedPages {
  /** the numbers of the pages of this event's distribution published so far */
  of(eventId: string): Promise<Set<number>>;
  /** records that page `page` of this event's distribution was published; recording it twice is harmless */
  record(eventId: string, page: number): Promise<void>;
}

export interface DistributionParts {
  followers: Followers;
  published: PublishedPages;
  send: (batch: Distribution) => Promise<void>;
}

/**
 * Sends a posted yubl to the author and every follower, one `send` per page of followers, skipping
 * the pages an earlier delivery of the same event sent. The author's own feed rides with the first
 * page. Pages come one after another (each needs the last one's cursor), so each page is sent
 * while the next is fetched; any failed send fails the whole distribution, to be retried, and the
 * pages sent before it are not sent again.
 * A page is recorded only once it was sent, so none is lost: after a crash between sending a page
 * and recording it, the retry sends that page again, which add-to-feed makes harmless (a feed
 * entry written twice is one entry). Pages are numbered in the order read: a follow or unfollow
 * between two deliveries can move a few followers across a page boundary the retry skips.
 */
export async function distribute(eventId: string, yubl: Yubl, { followers, published, send }: DistributionParts): Promise<{ recipients: number; pagesSkipped: number }> {
  const sentBefore = await published.of(eventId);
  let cursor: string | undefined;
  let page = 0;
  let recipients = 0;
  let pagesSkipped = 0;
  const sending: Promise<void>[] = [];
  let pagingError: unknown;
  try {
    do {
      // Pages as large as a message carries (the followers list gives up to 1000, docs/api.md): the
      // first one short by one, for the author's own feed, so that no message carries more.
      const limit = page === 0 ? DISTRIBUTION_MAX_RECIPIENTS - 1 : DISTRIBUTION_MAX_RECIPIENTS;
      const { userIds, nextCursor } = await followers.page(yubl.authorId, limit, cursor);
      const followerIds = page === 0 ? [yubl.authorId, ...userIds] : userIds;
      const thisPage = page;
      if (sentBefore.has(thisPage)) {
        pagesSkipped += 1;
      } else if (followerIds.length > 0) {
        sending.push(send({ yubl, followerIds }).then(() => published.record(eventId, thisPage)));
        recipients += followerIds.length;
      }
      page += 1;
      cursor = nextCursor ?? undefined;
    } while (cursor);
  } catch (error) {
    pagingError = error;
  }
  // Settle every send before returning or failing: none left running into the next invocation.
  const results = await Promise.allSettled(sending);
  if (pagingError) throw pagingError;
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { recipients, pagesSkipped };
}

export async function getFeedYubl(store: FeedStore, userId: string, yublId: string): Promise<Yubl> {
  const yubl = yublId.length <= 100 ? await store.get(userId, yublId) : undefined;
  if (!yubl) throw new NotFoundError(`No yubl ${yublId} in your feed`);
  return yubl;
}

export const isFeedPosition = (userId: string) => (position: Record<string, unknown>): position is { userId: string; yublId: string } =>
  position.userId === userId && typeof position.yublId === 'string' && Object.keys(position).length === 2;
