// The dead-letter queue's messages: documents the store did not take, each with its _index and
// _id (so a replay stores it under the same id, once) and what the store said about it.

import type { Refusal } from './bulk-results';
import type { StoredDocument } from './documents';

export interface DeadLetterEntry {
  _index: string;
  _id: string;
  _source: Record<string, unknown>;
  status: number;
  reason: string;
}

// SQS takes messages of up to 256 KiB; a margin under it for the JSON around the entries.
export const MAX_MESSAGE_BYTES = 240 * 1024;

const entryOf = ({ document, status, reason }: Refusal): DeadLetterEntry => ({ _index: document.index, _id: document.id, _source: document.document, status, reason });

/** The message bodies for these refusals, each under `maxBytes` (an entry larger than that goes alone). */
export function deadLetterMessages(refusals: Refusal[], maxBytes = MAX_MESSAGE_BYTES): string[] {
  const messages: string[] = [];
  let entries: string[] = [];
  let bytes = 0;
  const close = () => {
    if (entries.length > 0) messages.push(`{"documents":[${entries.join(',')}]}`);
    entries = [];
    bytes = 0;
  };
  for (const refusal of refusals) {
    const entry = JSON.stringify(entryOf(refusal));
    const size = Buffer.byteLength(entry) + 1;
    if (bytes + size > maxBytes) close();
    entries.push(entry);
    bytes += size;
  }
  close();
  return messages;
}

/** The documents a message holds; undefined for a body that is not one of ours. */
export function documentsOfMessage(body: string): StoredDocument[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const documents = (parsed as { documents?: unknown } | null)?.documents;
  if (!Array.isArray(documents)) return undefined;
  const valid = documents.every(
    (entry: Partial<DeadLetterEntry> | null) => typeof entry?._index === 'string' && typeof entry._id === 'string' && entry._source !== null && typeof entry._source === 'object',
  );
  return valid ? (documents as DeadLetterEntry[]).map((entry) => ({ index: entry._index, id: entry._id, document: entry._source })) : undefined;
}
