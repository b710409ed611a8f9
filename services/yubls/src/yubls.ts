// Yubls: a post of 1-500 characters by a user. Plain values in and out.
import * as v from 'valibot';
import { NotFoundError } from '@yubl/errors';
import { timeOrderedId } from '@yubl/events';

export interface Yubl {
  id: string;
  authorId: string;
  text: string;
  postedAt: string;
}

export interface YublStore {
  put(yubl: Yubl): Promise<void>;
  get(id: string): Promise<Yubl | undefined>;
}

export const PostRequest = v.object({ text: v.pipe(v.string(), v.minLength(1), v.maxLength(500)) });

export async function postYubl(store: YublStore, authorId: string, text: string, now = new Date()): Promise<Yubl> {
  // Time-ordered ids: a feed sorted by id is sorted by time.
  const yubl: Yubl = { id: timeOrderedId(now.getTime()), authorId, text, postedAt: now.toISOString() };
  await store.put(yubl);
  return yubl;
}

export async function getYubl(store: YublStore, id: string): Promise<Yubl> {
  const yubl = id.length <= 100 ? await store.get(id) : undefined;
  if (!yubl) throw new NotFoundError(`No yubl ${id}`);
  return yubl;
}
