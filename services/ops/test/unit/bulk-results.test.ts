import { bulkBody, readBulkAnswer } from '../../src/bulk-results';
import type { StoredDocument } from '../../src/documents';

const docs: StoredDocument[] = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ index: 'logs-dev-2026.12.01', id, document: { message: id } }));

describe('a _bulk answer', () => {
  it('is read item by item: stored, retried (429, 5xx), refused for good (other 4xx)', () => {
    const reading = readBulkAnswer(docs, {
      status: 200,
      items: [
        { status: 201 },
        { status: 200 },
        { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } },
        { status: 503 },
        { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [error]' } },
      ],
    });
    expect(reading.stored).toBe(2);
    expect(reading.retry.map((r) => [r.document.id, r.status, r.reason])).toEqual([
      ['c', 429, 'es_rejected_execution_exception: queue full'],
      ['d', 503, 'status 503'],
    ]);
    expect(reading.refused.map((r) => [r.document.id, r.status, r.reason])).toEqual([['e', 400, 'mapper_parsing_exception: failed to parse field [error]']]);
  });

  it('for the whole request (no answer, 429, 5xx) retries every item; another 4xx refuses every one', () => {
    for (const status of [0, 429, 500, 502]) expect(readBulkAnswer(docs, { status }).retry).toHaveLength(5);
    const refused = readBulkAnswer(docs, { status: 413 });
    expect([refused.stored, refused.retry.length, refused.refused.length]).toEqual([0, 0, 5]);
  });

  it('short of items treats the missing ones as unanswered', () => {
    const reading = readBulkAnswer(docs.slice(0, 2), { status: 200, items: [{ status: 201 }] });
    expect(reading.retry.map((r) => [r.document.id, r.reason])).toEqual([['b', 'no answer']]);
  });

  it('is asked for with one index action (an overwrite, by id) per document', () => {
    expect(bulkBody(docs.slice(0, 1))).toEqual([{ index: { _index: 'logs-dev-2026.12.01', _id: 'a' } }, { message: 'a' }]);
  });
});
