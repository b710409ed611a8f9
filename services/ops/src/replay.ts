// Replaying the dead-letter queue: each message's documents indexed again under the same ids.
// A message whose documents all stored is deleted; one with documents still failing is replaced
// by a message holding only those; a body that is not ours is left where it is. Replacements are
// sent, and originals deleted, only once the queue has been read to its end, so that this run does
// not read its own replacements again; a run cut short leaves the originals to reappear.

import { deadLetterMessages, documentsOfMessage } from './dead-letters';
import type { IndexingResult } from './indexing';
import type { StoredDocument } from './documents';

export interface DeadLetter {
  receiptHandle: string;
  body: string;
}

export interface ReplayPorts {
  /** the next messages, hidden from other readers for longer than this run may take; [] when empty */
  receive: () => Promise<DeadLetter[]>;
  remove: (receiptHandle: string) => Promise<void>;
  send: (body: string) => Promise<void>;
  index: (documents: StoredDocument[]) => Promise<IndexingResult>;
  timeLeftMs: () => number;
  /** messages the queue still holds (its approximate count) */
  remaining: () => Promise<number>;
}

export interface ReplayResult {
  /** documents stored */
  replayed: number;
  /** documents still failing, back in the queue */
  failed: number;
  /** messages left in the queue when the run ended */
  remaining: number;
}

export async function replayDeadLetters(ports: ReplayPorts): Promise<ReplayResult> {
  let replayed = 0;
  let failed = 0;
  const replacements: string[] = [];
  const done: string[] = [];
  while (ports.timeLeftMs() > 0) {
    const batch = await ports.receive();
    if (batch.length === 0) break;
    for (const message of batch) {
      const documents = documentsOfMessage(message.body);
      if (!documents) continue;
      const result = await ports.index(documents);
      replayed += result.stored;
      failed += result.failed.length;
      replacements.push(...deadLetterMessages(result.failed));
      done.push(message.receiptHandle);
    }
  }
  for (const body of replacements) await ports.send(body);
  for (const receiptHandle of done) await ports.remove(receiptHandle);
  return { replayed, failed, remaining: await ports.remaining() };
}
