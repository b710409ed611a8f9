import type { BulkAnswer } from '../../src/bulk-results';
import type { StoredDocument } from '../../src/documents';
import { indexWithRetries } from '../../src/indexing';

const docs: StoredDocument[] = ['a', 'b', 'c'].map((id) => ({ index: 'i', id, document: {} }));
const policy = { maxAttempts: 4, baseDelayMs: 100 };

/** A store that answers each item with the next status scripted for its id (the last one after). */
function scriptedStore(script: Record<string, number[]>) {
  const requests: string[][] = [];
  const bulk = async (sent: StoredDocument[]): Promise<BulkAnswer> => {
    requests.push(sent.map((d) => d.id));
    return { status: 200, items: sent.map((d) => ({ status: script[d.id]!.length > 1 ? script[d.id]!.shift()! : script[d.id]![0]! })) };
  };
  return { bulk, requests };
}

describe('indexing with retries', () => {
  it('sends again only the items worth retrying, after doubling delays, until stored', async () => {
    const store = scriptedStore({ a: [201], b: [429, 503, 201], c: [400] });
    const sleeps: number[] = [];
    const result = await indexWithRetries(docs, { bulk: store.bulk, sleep: async (ms) => void sleeps.push(ms), timeLeftMs: () => 60_000 }, policy);
    expect(store.requests).toEqual([['a', 'b', 'c'], ['b'], ['b']]);
    expect(sleeps).toEqual([100, 200]);
    expect(result.stored).toBe(2);
    expect(result.retried).toBe(2);
    expect(result.failed.map((f) => [f.document.id, f.status])).toEqual([['c', 400]]);
  });

  it('gives up after its attempts, handing back what still fails', async () => {
    const store = scriptedStore({ a: [503], b: [201], c: [429] });
    const result = await indexWithRetries(docs, { bulk: store.bulk, sleep: async () => {}, timeLeftMs: () => 60_000 }, policy);
    expect(store.requests).toHaveLength(4);
    expect(result.failed.map((f) => [f.document.id, f.status, f.reason])).toEqual([
      ['a', 503, 'status 503 (after 4 attempts)'],
      ['c', 429, 'status 429 (after 4 attempts)'],
    ]);
  });

  it('stops retrying when the next delay would not fit in the time left', async () => {
    const store = scriptedStore({ a: [503], b: [503], c: [503] });
    const result = await indexWithRetries(docs, { bulk: store.bulk, sleep: async () => {}, timeLeftMs: () => 150 }, policy);
    expect(store.requests).toHaveLength(2); // waited 100, then 200 > 150 left
    expect(result.failed).toHaveLength(3);
  });

  it('treats a request that threw as unanswered, so retried', async () => {
    let calls = 0;
    const bulk = async (sent: StoredDocument[]): Promise<BulkAnswer> => {
      calls += 1;
      if (calls === 1) throw new Error('ECONNRESET');
      return { status: 200, items: sent.map(() => ({ status: 201 })) };
    };
    const result = await indexWithRetries(docs, { bulk, sleep: async () => {}, timeLeftMs: () => 60_000 }, policy);
    expect([result.stored, result.failed.length]).toEqual([3, 0]);
  });
});

describe('a document whose fields clash with the day`s mapping', () => {
  const line: StoredDocument = { index: 'i', id: 'x', document: { '@timestamp': 't', function: 'f', message: 'request refused', 'x-correlation-id': 'c1', status: 'not a number', details: { a: 1 } } };
  const mappingConflict = { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [status] of type [long]' } };

  it('is sent once more at once with its other fields as one JSON text, and stored so', async () => {
    const sent: StoredDocument[][] = [];
    const bulk = async (documents: StoredDocument[]): Promise<BulkAnswer> => {
      sent.push(documents);
      return { status: 200, items: documents.map((d) => ('unmappedFields' in d.document ? { status: 201 } : mappingConflict)) };
    };
    const result = await indexWithRetries([line], { bulk, sleep: async () => {}, timeLeftMs: () => 60_000 }, policy);
    expect(result).toEqual({ stored: 1, retried: 0, failed: [] });
    expect(sent[1]).toEqual([{ index: 'i', id: 'x', document: { '@timestamp': 't', function: 'f', message: 'request refused', 'x-correlation-id': 'c1', unmappedFields: JSON.stringify({ status: 'not a number', details: { a: 1 } }) } }]);
  });

  it('is refused for good when even that is refused, and other 4xx are not reshaped', async () => {
    const refusedAlways = async (documents: StoredDocument[]): Promise<BulkAnswer> => ({ status: 200, items: documents.map(() => mappingConflict) });
    const once = await indexWithRetries([line], { bulk: refusedAlways, sleep: async () => {}, timeLeftMs: () => 60_000 }, policy);
    expect(once.failed.map((f) => 'unmappedFields' in f.document.document)).toEqual([true]);
    const requests: number[] = [];
    const forbidden = async (documents: StoredDocument[]): Promise<BulkAnswer> => (requests.push(documents.length), { status: 200, items: documents.map(() => ({ status: 403, error: { type: 'security_exception' } })) });
    const other = await indexWithRetries([line], { bulk: forbidden, sleep: async () => {}, timeLeftMs: () => 60_000 }, policy);
    expect(requests).toEqual([1]);
    expect(other.failed.map((f) => f.status)).toEqual([403]);
  });
});
