// Reading a `_bulk` answer. It says 200 even when items inside failed, so every item is read:
// stored, worth retrying (429: the store is busy; 5xx: it failed), or refused for good (any other
// 4xx, such as a mapping conflict: the same document would be refused again).

import type { StoredDocument } from './documents';

/** One `_bulk` action's result, as in the response's `items[n].index`. */
export interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string } | string;
}

/**
 * What one `_bulk` request came to: the HTTP status (0 when no answer came at all) and, for an
 * answer of 200, each item's result in the order sent.
 */
export interface BulkAnswer {
  status: number;
  items?: BulkItemResult[];
}

/** A document not stored, with what the store said (status 0: no answer). */
export interface Refusal {
  document: StoredDocument;
  status: number;
  reason: string;
}

export interface BulkReading {
  stored: number;
  /** worth sending again */
  retry: Refusal[];
  /** refused for good */
  refused: Refusal[];
}

export const isRetryable = (status: number) => status === 0 || status === 429 || status >= 500;

/** A refusal because a field's type clashes with the index's mapping: the document, reshaped, would be taken. */
export const isMappingConflict = (refusal: Refusal) => refusal.status === 400 && /mapper_parsing_exception|document_parsing_exception|illegal_argument_exception/.test(refusal.reason);

function reasonOf(error: BulkItemResult['error'], status: number): string {
  if (typeof error === 'string') return error;
  const said = error ? [error.type, error.reason].filter(Boolean).join(': ') : '';
  return said || (status === 0 ? 'no answer' : `status ${status}`);
}

/** The `_bulk` request body: one `index` action (an overwrite, so re-delivery is harmless) per document. */
export function bulkBody(documents: StoredDocument[]): Record<string, unknown>[] {
  return documents.flatMap(({ index, id, document }) => [{ index: { _index: index, _id: id } }, document]);
}

export function readBulkAnswer(sent: StoredDocument[], answer: BulkAnswer): BulkReading {
  const reading: BulkReading = { stored: 0, retry: [], refused: [] };
  const wholeRequestFailed = answer.status !== 200 || !answer.items;
  sent.forEach((document, at) => {
    // A missing item (a short answer) is treated like a store that did not answer for it.
    const item = wholeRequestFailed ? { status: answer.status } : (answer.items![at] ?? { status: 0 });
    if (item.status >= 200 && item.status < 300) {
      reading.stored += 1;
      return;
    }
    const refusal = { document, status: item.status, reason: reasonOf(item.error, item.status) };
    (isRetryable(item.status) ? reading.retry : reading.refused).push(refusal);
  });
  return reading;
}
