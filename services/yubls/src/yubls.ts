// Yubls: a post of 1-500 characters by a user. Plain values in and out.
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { HttpError, NotFoundError, ValidationError } from '@yubl/errors';
import { envelope, timeOrderedId, type EventEnvelope } from '@yubl/events';
import { isStorableText } from '@yubl/lambda';

export interface Yubl {
  id: string;
  authorId: string;
  text: string;
  postedAt: string;
}

/** What an Idempotency-Key stands for, for 24 h: the post it made and the body that made it. */
export interface IdempotencyRecord {
  authorId: string;
  key: string;
  /** SHA-256 of the post's request (its text): the same key with another body is refused */
  requestHash: string;
  yubl: Yubl;
  /** epoch seconds; DynamoDB's TTL deletes it some time after, so a read also checks it */
  expiresAt: number;
}

export interface YublStore {
  /**
   * Stores the yubl, its yubl-posted event and, when given, its idempotency record, at once.
   * False (nothing stored) when the record's key is already held, unexpired, for that author.
   */
  post(yubl: Yubl, posted: EventEnvelope<{ yubl: Yubl }>, idempotency?: IdempotencyRecord): Promise<boolean>;
  idempotencyRecord(authorId: string, key: string): Promise<IdempotencyRecord | undefined>;
  get(id: string): Promise<Yubl | undefined>;
}

// 1-500 characters (docs/api.md); line breaks, but no other control characters and no lone surrogates.
export const PostRequest = v.object({
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(500), v.check((text) => isStorableText(text, { lineBreaks: true }), 'a yubl holds no control characters but line breaks, and no lone surrogates')),
});

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,100}$/;

export class IdempotencyKeyReusedError extends HttpError {
  constructor() {
    super(409, 'IdempotencyKeyReused', 'This Idempotency-Key was used for another request in the last 24 hours');
  }
}

/** The Idempotency-Key header's value, checked (1-100 printable ASCII), or undefined without one. */
export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) throw new ValidationError('Idempotency-Key is 1-100 printable ASCII characters', [{ path: 'headers.idempotency-key', message: 'not 1-100 printable ASCII characters' }]);
  return header;
}

const requestHash = (text: string) => createHash('sha256').update(JSON.stringify({ text })).digest('base64url');

export interface Posted {
  yubl: Yubl;
  /** false when an Idempotency-Key's repeat answered an earlier post */
  isNew: boolean;
}

/** The earlier post a live record stands for, if this is the request that made it; 409 if it is not. */
function repeatOf(record: IdempotencyRecord | undefined, hash: string, now: Date): Yubl | undefined {
  if (!record || record.expiresAt * 1000 <= now.getTime()) return undefined;
  if (record.requestHash !== hash) throw new IdempotencyKeyReusedError();
  return record.yubl;
}

export async function postYubl(store: YublStore, authorId: string, text: string, key?: string, now = new Date()): Promise<Posted> {
  const hash = requestHash(text);
  const earlier = key === undefined ? undefined : repeatOf(await store.idempotencyRecord(authorId, key), hash, now);
  if (earlier) return { yubl: earlier, isNew: false };
  // Time-ordered ids: a feed sorted by id is sorted by time.
  const yubl: Yubl = { id: timeOrderedId(now.getTime()), authorId, text, postedAt: now.toISOString() };
  const record = key === undefined ? undefined : { authorId, key, requestHash: hash, yubl, expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS };
  if (await store.post(yubl, envelope('yubl-posted', { yubl }, now), record)) return { yubl, isNew: true };
  // Another request with this key committed first (two retries at once): answer as its repeat.
  const winner = repeatOf(await store.idempotencyRecord(authorId, key!), hash, now);
  if (!winner) throw new Error('the Idempotency-Key was held but its record is gone');
  return { yubl: winner, isNew: false };
}

export async function getYubl(store: Pick<YublStore, 'get'>, id: string): Promise<Yubl> {
  const yubl = id.length <= 100 ? await store.get(id) : undefined;
  if (!yubl) throw new NotFoundError(`No yubl ${id}`);
  return yubl;
}
