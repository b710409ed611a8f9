import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredDocument } from '../documents';
import { indexWithRetries, type IndexingResult } from '../indexing';
import type { ShippingSettings } from '../settings';
import { bulkIndexer, openSearchClient } from './opensearch';

/** Indexing into the central store with the settings' retries, within the time `timeLeftMs` gives. */
export function storeIndexer(settings: ShippingSettings) {
  // One request may not outlast the retries' own budget.
  const bulk = bulkIndexer(openSearchClient(settings.openSearchUrl, settings.region, 10_000));
  return (documents: StoredDocument[], timeLeftMs: () => number): Promise<IndexingResult> =>
    indexWithRetries(documents, { bulk, sleep: (ms) => sleep(ms).then(() => undefined), timeLeftMs }, settings.retry);
}
