import { envelope, outboxItem, publishInOrder, relayItems, relayQueues, type OutboxItem, type OutboxPorts } from '../../src';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const item = (id: string, partitionKey: string, second: number, stream = 'users-test'): OutboxItem => ({ id, stream, partitionKey, record: `{"id":"${id}"}`, createdAt: at(second).toISOString() });

/** Ports that record what was published and removed, failing the publishes of the ids given. */
function fakePorts(failing: string[] = [], { removeFails = [] as string[] } = {}) {
  const published: string[] = [];
  const removed: string[] = [];
  const ports: OutboxPorts = {
    async publish(outboxed) {
      if (failing.includes(outboxed.id)) throw new Error(`kinesis refused ${outboxed.id}`);
      published.push(outboxed.id);
    },
    async remove(outboxed) {
      if (removeFails.includes(outboxed.id)) throw new Error('dynamodb refused');
      removed.push(outboxed.id);
    },
  };
  return { ports, published, removed };
}

const signal = () => new AbortController().signal;

describe('outbox items', () => {
  it('hold the envelope with the committing request’s correlation ids, keyed by the event id', () => {
    const event = envelope('user-joined', { user: { id: 'u1' } }, at(0));
    const outboxed = outboxItem({ stream: 'users-test', partitionKey: 'u1', event }, { 'x-correlation-id': 'c1', 'call-chain-length': '2' }, at(1));
    expect(outboxed).toEqual({ id: event.id, stream: 'users-test', partitionKey: 'u1', record: expect.any(String), createdAt: at(1).toISOString() });
    expect(JSON.parse(outboxed.record)).toEqual({ ...event, __context__: { 'x-correlation-id': 'c1', 'call-chain-length': '2' } });
  });

  it('hold no __context__ outside a call chain', () => {
    const event = envelope('x', {});
    expect(JSON.parse(outboxItem({ stream: 's', partitionKey: 'k', event }, {}, at(0)).record)).toEqual(event);
  });
});

describe('what the relay publishes', () => {
  it('each key’s items oldest first, whatever order the scan gave', () => {
    const queues = relayQueues([item('c', 'k1', 3), item('a', 'k1', 1), item('x', 'k2', 2), item('b', 'k1', 2)], at(60), 6_000);
    expect(queues.map((queue) => queue.map(({ id }) => id))).toEqual([['a', 'b', 'c'], ['x']]);
  });

  it('the same partition key on two streams: two queues', () => {
    expect(relayQueues([item('a', 'k', 1, 's1'), item('b', 'k', 2, 's2')], at(60), 6_000)).toHaveLength(2);
  });

  it('leaves items younger than the minimum age alone: their request may still be publishing them', () => {
    const queues = relayQueues([item('old', 'k1', 10), item('young', 'k1', 55), item('youngest', 'k2', 58)], at(60), 6_000);
    expect(queues.map((queue) => queue.map(({ id }) => id))).toEqual([['old']]);
    expect(relayQueues([item('exactly', 'k', 54)], at(60), 6_000)).toHaveLength(1);
  });

  it('orders items of the same millisecond by id, the same way every run', () => {
    expect(relayQueues([item('b', 'k', 1), item('a', 'k', 1)], at(60), 0)[0]!.map(({ id }) => id)).toEqual(['a', 'b']);
  });
});

describe('publishing in order', () => {
  it('publishes and then removes each item', async () => {
    const { ports, published, removed } = fakePorts();
    const outcome = await publishInOrder([item('a', 'k', 1), item('b', 'k', 2)], ports, signal());
    expect(published).toEqual(['a', 'b']);
    expect(removed).toEqual(['a', 'b']);
    expect(outcome.failed).toBeUndefined();
  });

  it('stops at a key’s first failure, which stays with everything behind it', async () => {
    const { ports, published, removed } = fakePorts(['b']);
    const outcome = await publishInOrder([item('a', 'k', 1), item('b', 'k', 2), item('c', 'k', 3)], ports, signal());
    expect(published).toEqual(['a']);
    expect(removed).toEqual(['a']);
    expect(outcome.failed?.item.id).toBe('b');
  });

  it('goes on when a published item cannot be removed (the relay publishes it again, same id), and says so', async () => {
    const { ports, published } = fakePorts([], { removeFails: ['a'] });
    const outcome = await publishInOrder([item('a', 'k', 1), item('b', 'k', 2)], ports, signal());
    expect(published).toEqual(['a', 'b']);
    expect(outcome.notRemoved.map(({ item: { id } }) => id)).toEqual(['a']);
  });
});

describe('a relay run', () => {
  it('publishes every key, a failing key not holding back the others, and reports the counts', async () => {
    const { ports, published } = fakePorts(['k1-b']);
    const items = [item('k1-a', 'k1', 1), item('k1-b', 'k1', 2), item('k1-c', 'k1', 3), item('k2-a', 'k2', 1), item('k3-young', 'k3', 59)];
    const report = await relayItems(items, ports, { now: at(60), minAgeMs: 6_000, signal: signal() });
    expect(published.sort()).toEqual(['k1-a', 'k2-a']);
    expect(report).toEqual({ found: 5, published: 2, left: 3, failedKeys: 1, notRemoved: 0 });
  });

  it('starts no key once its deadline has passed', async () => {
    const { ports, published } = fakePorts();
    const expired = AbortSignal.abort();
    const report = await relayItems([item('a', 'k1', 1)], ports, { now: at(60), minAgeMs: 0, signal: expired });
    expect(published).toEqual([]);
    expect(report.left).toBe(1);
  });
});
