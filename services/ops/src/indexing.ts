// Indexing documents with bounded retries: items the store was too busy for (429) or failed on
// (5xx) are sent again after a growing delay; what is still not stored when the attempts or the
// time run out, and what was refused outright, is handed back for the dead-letter queue.

import { isMappingConflict, readBulkAnswer, type BulkAnswer, type Refusal } from './bulk-results';
import { withUnmappedFields, type StoredDocument } from './documents';

export interface IndexingPorts {
  bulk: (documents: StoredDocument[]) => Promise<BulkAnswer>;
  sleep: (ms: number) => Promise<void>;
  /** milliseconds left for this work (the invocation's remaining time less a margin) */
  timeLeftMs: () => number;
}

export interface RetryPolicy {
  /** requests in all, the first included */
  maxAttempts: number;
  /** the first delay; each later one doubles */
  baseDelayMs: number;
}

export interface IndexingResult {
  stored: number;
  retried: number;
  /** refused for good, or still failing when the retries ran out */
  failed: Refusal[];
}

export async function indexWithRetries(documents: StoredDocument[], ports: IndexingPorts, policy: RetryPolicy): Promise<IndexingResult> {
  const result: IndexingResult = { stored: 0, retried: 0, failed: [] };
  let pending = documents;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    // A request that threw (no connection, a timeout) is a store that did not answer: retryable.
    const reading = readBulkAnswer(pending, await ports.bulk(pending).catch((): BulkAnswer => ({ status: 0 })));
    result.stored += reading.stored;
    // A mapping conflict goes once more, at once, reshaped (withUnmappedFields); refused again, it is refused for good.
    const reshaped = reading.refused.filter((refusal) => isMappingConflict(refusal) && !('unmappedFields' in refusal.document.document));
    result.failed.push(...reading.refused.filter((refusal) => !reshaped.includes(refusal)));
    if (reshaped.length > 0) {
      const documents = reshaped.map(({ document }) => withUnmappedFields(document));
      const again = readBulkAnswer(documents, await ports.bulk(documents).catch((): BulkAnswer => ({ status: 0 })));
      result.stored += again.stored;
      result.failed.push(...again.refused);
      reading.retry.push(...again.retry);
    }
    if (reading.retry.length === 0) break;
    const delay = policy.baseDelayMs * 2 ** (attempt - 1);
    if (attempt >= policy.maxAttempts || delay >= ports.timeLeftMs()) {
      result.failed.push(...reading.retry.map((refusal) => ({ ...refusal, reason: `${refusal.reason} (after ${attempt} attempts)` })));
      break;
    }
    pending = reading.retry.map(({ document }) => document);
    result.retried += pending.length;
    await ports.sleep(delay);
  }
  return result;
}
