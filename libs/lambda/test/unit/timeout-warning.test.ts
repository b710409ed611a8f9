import { buildContext } from '@yubl/correlation';
import { captureLogs, lambdaContext, type CapturedLogs } from '@yubl/test-harness';
import { createTimeoutWatch } from '../../src/timeout-warning';

const correlation = (id: string) => buildContext({ 'x-correlation-id': id }, '', { awsRequestId: 'r' }, { debugSampleRate: 0, maxCallChainLength: 10 });
const summary = (event: { path: string }) => ({ path: event.path });
const warnings = (logs: CapturedLogs) => logs.lines.filter((line) => line.message === 'the function is about to time out');

let logs: CapturedLogs;
beforeEach(() => {
  jest.useFakeTimers();
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  jest.useRealTimers();
});

describe('the timeout warning', () => {
  it('is logged `marginMs` before the timeout, with the invocation`s ids and the summary of its event', () => {
    const watch = createTimeoutWatch(500, summary);
    watch.start(lambdaContext({ timeoutMs: 3_000 }), correlation('c1'), { path: '/a' });
    jest.advanceTimersByTime(2_499);
    expect(warnings(logs)).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(warnings(logs)).toEqual([expect.objectContaining({ level: 'warn', 'x-correlation-id': 'c1', remainingMs: 500, path: '/a' })]);
  });

  it('is not logged for an invocation that ended in time', () => {
    const watch = createTimeoutWatch(500, summary);
    watch.start(lambdaContext({ timeoutMs: 3_000 }), correlation('c1'), { path: '/a' });
    jest.advanceTimersByTime(1_000);
    watch.stop();
    jest.advanceTimersByTime(5_000);
    expect(warnings(logs)).toEqual([]);
  });

  it('watches the next invocation on the same timer, re-armed from its start', () => {
    const watch = createTimeoutWatch(500, summary);
    watch.start(lambdaContext({ timeoutMs: 3_000 }), correlation('c1'), { path: '/a' });
    jest.advanceTimersByTime(1_000);
    watch.stop();
    watch.start(lambdaContext({ timeoutMs: 3_003 }), correlation('c2'), { path: '/b' });
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(2_499);
    expect(warnings(logs)).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(warnings(logs)).toEqual([expect.objectContaining({ 'x-correlation-id': 'c2', path: '/b' })]);
  });

  it('re-arms the timer for up to 5 ms of difference in the time left', () => {
    const watch = createTimeoutWatch(500, summary);
    watch.start(lambdaContext({ timeoutMs: 3_000 }), correlation('c1'), { path: '/a' });
    watch.stop();
    watch.start(lambdaContext({ timeoutMs: 3_005 }), correlation('c2'), { path: '/b' });
    jest.advanceTimersByTime(2_500); // the first invocation's delay, not the 2 505 ms this one asked for
    expect(warnings(logs)).toEqual([expect.objectContaining({ 'x-correlation-id': 'c2' })]);
  });

  it('sets a new timer when the next invocation has a different time left', () => {
    const watch = createTimeoutWatch(500, summary);
    watch.start(lambdaContext({ timeoutMs: 3_000 }), correlation('c1'), { path: '/a' });
    watch.stop();
    watch.start(lambdaContext({ timeoutMs: 1_000 }), correlation('c2'), { path: '/b' });
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(500);
    expect(warnings(logs)).toEqual([expect.objectContaining({ 'x-correlation-id': 'c2' })]);
    jest.advanceTimersByTime(5_000);
    expect(warnings(logs)).toHaveLength(1);
  });

  it('is not armed when the time left is within the margin, or unknown', () => {
    const watch = createTimeoutWatch(500, summary);
    watch.start(lambdaContext({ timeoutMs: 500 }), correlation('c1'), { path: '/a' });
    watch.start({}, correlation('c2'), { path: '/b' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('never keeps the process alive', () => {
    const setTimer = jest.spyOn(global, 'setTimeout');
    createTimeoutWatch(500, summary).start(lambdaContext({ timeoutMs: 3_000 }), correlation('c1'), { path: '/a' });
    expect((setTimer.mock.results[0]!.value as NodeJS.Timeout).hasRef()).toBe(false);
  });
});
