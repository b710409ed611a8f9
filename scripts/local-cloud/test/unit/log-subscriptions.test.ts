import { gunzipSync } from 'node:zlib';
import { createLogSubscriptions, FLUSH_MS, MAX_EVENTS } from '../../src/event-sources/cloudwatch-logs';

// The subscription's batching holds a budget: each batch is one invocation of the destination (ship-logs),
// and that invocation's fixed cost is most of what shipping costs per request under load.
const fn = { key: 'ship-logs' };
const filter = { filterName: 'ship', logGroupName: '/aws/lambda/yubl-feed-local-get-feed', destinationArn: 'arn:aws:lambda:us-east-1:000000000000:function:ship-logs' };
const group = { name: filter.logGroupName };
const stream = (name: string) => ({ name });
const event = (n: number) => ({ id: `e${n}`, timestamp: 1_700_000_000_000 + n, message: `line ${n}` });

function subscriptions() {
  const invocations: { logStream: string; logEvents: { id: string }[] }[] = [];
  const invoker = {
    invokeAsync: (_fn: unknown, payload: { awslogs: { data: string } }) => {
      invocations.push(JSON.parse(gunzipSync(Buffer.from(payload.awslogs.data, 'base64')).toString('utf8')));
    },
  };
  const subs = createLogSubscriptions({ accountId: '000000000000', functionsByArn: new Map([[filter.destinationArn, fn]]) as never, invoker: invoker as never, log: () => {} });
  return { subs, invocations };
}

describe('CloudWatch Logs subscription batches', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits a second, as a few seconds of AWS batching at most would: a second of one stream is one invocation', () => {
    expect(FLUSH_MS).toBe(1_000);
    const { subs, invocations } = subscriptions();
    // 100 requests a second, each START, a line, END, REPORT, on one worker's stream
    for (let n = 0; n < 400; n += 1) {
      subs.events(group, stream('w1'), filter, [event(n)]);
      jest.advanceTimersByTime(FLUSH_MS / 400 - 0.001);
    }
    expect(invocations).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(invocations).toHaveLength(1);
    expect(invocations[0]!.logEvents.map((e) => e.id)).toEqual(Array.from({ length: 400 }, (_, n) => `e${n}`));
  });

  it('keeps streams apart, and sends a full batch at once', () => {
    const { subs, invocations } = subscriptions();
    subs.events(group, stream('w1'), filter, [event(1)]);
    subs.events(group, stream('w2'), filter, [event(2)]);
    subs.events(group, stream('w3'), filter, Array.from({ length: MAX_EVENTS }, (_, n) => event(100 + n)));
    expect(invocations.map((i) => i.logStream)).toEqual(['w3']);
    jest.advanceTimersByTime(FLUSH_MS);
    expect(invocations.map((i) => i.logStream).sort()).toEqual(['w1', 'w2', 'w3']);
  });

  it('sends what waits on stop', () => {
    const { subs, invocations } = subscriptions();
    subs.events(group, stream('w1'), filter, [event(1)]);
    subs.flushAll();
    expect(invocations).toHaveLength(1);
    jest.advanceTimersByTime(FLUSH_MS);
    expect(invocations).toHaveLength(1);
  });
});
