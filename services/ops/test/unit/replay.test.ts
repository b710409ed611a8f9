import { deadLetterMessages, documentsOfMessage } from '../../src/dead-letters';
import type { StoredDocument } from '../../src/documents';
import type { IndexingResult } from '../../src/indexing';
import { replayDeadLetters, type DeadLetter } from '../../src/replay';

const doc = (id: string): StoredDocument => ({ index: 'logs-dev-2026.12.01', id, document: { message: id } });
const letter = (ids: string[]) => deadLetterMessages(ids.map((id) => ({ document: doc(id), status: 503, reason: 'r' })))[0]!;

/** A queue that hands out its messages once (they stay hidden for the run), and a store failing some ids. */
function world(bodies: string[], failing: Set<string>, timeLeft = () => 60_000) {
  let next = 0;
  const queue = new Map(bodies.map((body, i) => [`h${i}`, body]));
  const sent: string[] = [];
  const stored: string[] = [];
  return {
    queue,
    sent,
    stored,
    ports: {
      receive: async (): Promise<DeadLetter[]> => {
        const batch = [...queue].slice(next, next + 2).map(([receiptHandle, body]) => ({ receiptHandle, body }));
        next += batch.length;
        return batch;
      },
      remove: async (handle: string) => void queue.delete(handle),
      send: async (body: string) => void sent.push(body),
      index: async (documents: StoredDocument[]): Promise<IndexingResult> => {
        const ok = documents.filter((d) => !failing.has(d.id));
        stored.push(...ok.map((d) => d.id));
        return { stored: ok.length, retried: 0, failed: documents.filter((d) => failing.has(d.id)).map((document) => ({ document, status: 400, reason: 'conflict' })) };
      },
      timeLeftMs: timeLeft,
      remaining: async () => queue.size + sent.length,
    },
  };
}

describe('replaying dead letters', () => {
  it('stores every document again under its id and deletes the messages that stored', async () => {
    const w = world([letter(['a', 'b']), letter(['c']), letter(['d'])], new Set());
    expect(await replayDeadLetters(w.ports)).toEqual({ replayed: 4, failed: 0, remaining: 0 });
    expect(w.stored).toEqual(['a', 'b', 'c', 'd']);
    expect(w.queue.size).toBe(0);
  });

  it('leaves what still fails in the queue, and only that', async () => {
    const w = world([letter(['a', 'b']), letter(['c'])], new Set(['b']));
    expect(await replayDeadLetters(w.ports)).toEqual({ replayed: 2, failed: 1, remaining: 1 });
    expect(w.sent.map((body) => documentsOfMessage(body)!.map((d) => d.id))).toEqual([['b']]);
    expect(w.queue.size).toBe(0);
  });

  it('leaves a message that is not ours where it is', async () => {
    const w = world(['garbage', letter(['a'])], new Set());
    expect(await replayDeadLetters(w.ports)).toEqual({ replayed: 1, failed: 0, remaining: 1 });
    expect([...w.queue.values()]).toEqual(['garbage']);
  });

  it('stops reading when its time is up, deleting only what it replayed', async () => {
    let budget = 1;
    const w = world([letter(['a']), letter(['b']), letter(['c'])], new Set(), () => budget--);
    expect(await replayDeadLetters(w.ports)).toEqual({ replayed: 2, failed: 0, remaining: 1 });
  });
});
