// The outbox's decisions (docs/design.md "Events are never lost"), on plain values: what an outbox
// item holds, what the relay publishes and in which order, and publishing a key's items in order.
// The DynamoDB and Kinesis wiring is in dynamodb-outbox.ts.
import { CONTEXT_FIELD } from '@yubl/correlation';
import type { EventEnvelope } from './envelope';

/** An event to announce with a state change: its stream and partition key (docs/api.md "Events"). */
export interface Announcement {
  stream: string;
  partitionKey: string;
  event: EventEnvelope;
}

/** An event committed with its state change and not yet known to be on its stream. */
export interface OutboxItem {
  /** the event id: the item's key, and the id the event keeps however often it is published */
  id: string;
  stream: string;
  partitionKey: string;
  /** the record's data as it goes on the stream: the envelope with the committing request's `__context__` */
  record: string;
  /** when it was committed (ISO-8601, ms): the relay publishes a key's items oldest first */
  createdAt: string;
}

/**
 * The outbox item of an announcement. The correlation ids are those of the request that commits it,
 * taken now: the relay publishes later, in an invocation of its own, and must not put its ids in.
 */
export function outboxItem({ stream, partitionKey, event }: Announcement, context: Record<string, string>, now: Date): OutboxItem {
  const record = Object.keys(context).length === 0 ? event : { ...event, [CONTEXT_FIELD]: context };
  return { id: event.id, stream, partitionKey, record: JSON.stringify(record), createdAt: now.toISOString() };
}

const byAge = (a: OutboxItem, b: OutboxItem) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * What one relay run publishes: per stream and partition key, that key's items oldest first. Items
 * younger than `minAgeMs` are left alone: their request may still be publishing them (a producer
 * answers within its timeout, so an item older than that timeout has been given up on), and the
 * relay publishing them too would double them. Sorted, a key's young items are all at its end, so
 * leaving them out keeps the order.
 */
export function relayQueues(items: readonly OutboxItem[], now: Date, minAgeMs: number): OutboxItem[][] {
  const cutoff = new Date(now.getTime() - minAgeMs).toISOString();
  const queues = new Map<string, OutboxItem[]>();
  for (const item of [...items].sort(byAge)) {
    if (item.createdAt > cutoff) continue;
    const key = `${item.stream}\u0000${item.partitionKey}`;
    const queue = queues.get(key);
    if (queue) queue.push(item);
    else queues.set(key, [item]);
  }
  return [...queues.values()];
}

export interface OutboxPorts {
  publish(item: OutboxItem, signal: AbortSignal): Promise<void>;
  /** takes a published item out of the outbox */
  remove(item: OutboxItem): Promise<void>;
}

export interface QueueOutcome {
  published: OutboxItem[];
  /** the first item that could not be published; it and every item after it stay for the relay */
  failed?: { item: OutboxItem; error: unknown };
  /** published items that could not be taken out: the relay publishes them again, under the same id */
  notRemoved: { item: OutboxItem; error: unknown }[];
}

/**
 * Publishes items in their order, each taken out of the outbox once it is on its stream. Stops at
 * the first that fails: publishing the ones behind it would put them ahead of it on the stream.
 */
export async function publishInOrder(items: readonly OutboxItem[], ports: OutboxPorts, signal: AbortSignal): Promise<QueueOutcome> {
  const outcome: QueueOutcome = { published: [], notRemoved: [] };
  for (const item of items) {
    try {
      await ports.publish(item, signal);
    } catch (error) {
      outcome.failed = { item, error };
      return outcome;
    }
    outcome.published.push(item);
    await ports.remove(item).catch((error: unknown) => outcome.notRemoved.push({ item, error }));
  }
  return outcome;
}

export interface RelayReport {
  /** items in the outbox when the run began */
  found: number;
  published: number;
  /** left for a later run: too young, behind a failure, or not reached before the run's deadline */
  left: number;
  failedKeys: number;
  notRemoved: number;
}

/** Publishes what `relayQueues` picks, keys side by side (at most `concurrency` at once), each key in order. */
export async function relayItems(items: readonly OutboxItem[], ports: OutboxPorts, { now, minAgeMs, signal, concurrency = 8 }: { now: Date; minAgeMs: number; signal: AbortSignal; concurrency?: number }): Promise<RelayReport> {
  const queues = relayQueues(items, now, minAgeMs);
  const outcomes: QueueOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < queues.length && !signal.aborted) {
      const queue = queues[next++]!;
      outcomes.push(await publishInOrder(queue, ports, signal));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queues.length) }, worker));
  const published = outcomes.reduce((sum, outcome) => sum + outcome.published.length, 0);
  return {
    found: items.length,
    published,
    left: items.length - published,
    failedKeys: outcomes.filter((outcome) => outcome.failed).length,
    notRemoved: outcomes.reduce((sum, outcome) => sum + outcome.notRemoved.length, 0),
  };
}
