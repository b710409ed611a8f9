import { createEventBridge, firstRateRunInMs, nextCron, patternMatches, rateSeconds } from '../../src/event-sources/eventbridge';

const createLogGroup = {
  source: 'aws.logs',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventSource: 'logs.amazonaws.com', eventName: 'CreateLogGroup', requestParameters: { logGroupName: '/aws/lambda/yubl-feed-dev-add-to-feed' }, size: 12, tags: ['a', 'b'] },
};

describe('EventBridge patterns', () => {
  it.each([
    [{ source: ['aws.logs'] }, true],
    [{ source: ['aws.s3', 'aws.logs'] }, true],
    [{ source: ['aws.s3'] }, false],
    [{ detail: { eventName: ['CreateLogGroup'] } }, true],
    [{ detail: { eventName: ['DeleteLogGroup'] } }, false],
    [{ detail: { requestParameters: { logGroupName: [{ prefix: '/aws/lambda/' }] } } }, true],
    [{ detail: { requestParameters: { logGroupName: [{ prefix: '/aws/rds/' }] } } }, false],
    [{ detail: { requestParameters: { logGroupName: [{ suffix: '-add-to-feed' }] } } }, true],
    [{ detail: { missing: [{ exists: false }] } }, true],
    [{ detail: { missing: [{ exists: true }] } }, false],
    [{ detail: { eventName: [{ exists: true }] } }, true],
    [{ detail: { eventName: [{ 'anything-but': ['DeleteLogGroup'] }] } }, true],
    [{ detail: { eventName: [{ 'anything-but': 'CreateLogGroup' }] } }, false],
    [{ detail: { eventName: [{ 'anything-but': { prefix: 'Create' } }] } }, false],
    [{ detail: { eventName: [{ 'equals-ignore-case': 'createloggroup' }] } }, true],
    [{ detail: { size: [{ numeric: ['>', 10, '<=', 12] }] } }, true],
    [{ detail: { size: [{ numeric: ['>', 12] }] } }, false],
    [{ detail: { tags: ['b'] } }, true],
    [{ detail: { tags: ['c'] } }, false],
    [{ detail: { eventName: 'CreateLogGroup' } }, false],
  ])('%j matches: %s', (pattern, expected) => {
    expect(patternMatches(pattern, createLogGroup)).toBe(expected);
  });
});

describe('schedules', () => {
  it('reads rate expressions in seconds', () => {
    expect(rateSeconds('rate(1 hour)')).toBe(3600);
    expect(rateSeconds('rate(5 minutes)')).toBe(300);
    expect(rateSeconds('rate(2 days)')).toBe(172_800);
    expect(rateSeconds('rate(5 seconds)')).toBe(5);
    expect(rateSeconds('cron(0 * * * ? *)')).toBeUndefined();
  });

  it('finds the next time a cron expression fires, in UTC', () => {
    const at = Date.parse('2026-12-01T07:41:30Z');
    expect(new Date(nextCron('cron(0 * * * ? *)', at)!).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(new Date(nextCron('cron(*/15 * * * ? *)', at)!).toISOString()).toBe('2026-12-01T07:45:00.000Z');
    expect(new Date(nextCron('cron(30 2 * * ? *)', at)!).toISOString()).toBe('2026-12-02T02:30:00.000Z');
    // 1 is Sunday: the first Sunday after Tuesday 1 December 2026 is the 6th.
    expect(new Date(nextCron('cron(0 9 ? * 1 *)', at)!).toISOString()).toBe('2026-12-06T09:00:00.000Z');
    expect(new Date(nextCron('cron(0 0 1 1-3 ? 2027)', at)!).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('starts the rate schedules added together apart, between half a period and one after, so that they do not run together', () => {
    const firsts = [1, 2, 3, 4].map((k) => firstRateRunInMs(k, 5_000));
    for (const first of firsts) {
      expect(first).toBeGreaterThan(2_500); // never sooner than half a period
      expect(first).toBeLessThanOrEqual(5_000);
    }
    const sorted = [...firsts].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((at, i) => at - sorted[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.07 * 5_000);
  });

  it('invokes a scheduled function with the scheduled event, on its rate, until it is disabled', () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-01T07:00:00Z') });
    try {
      const invoked: unknown[] = [];
      const bridge = createEventBridge({ region: 'eu-west-1', accountId: '000000000000', invoker: { invokeAsync: async (_fn: unknown, event: unknown) => void invoked.push(event) }, log: () => undefined });
      const fn = { key: 'ops/sweep', name: 'yubl-ops-dev-sweep', arn: 'arn:aws:lambda:eu-west-1:000000000000:function:yubl-ops-dev-sweep', lambdaPort: 0, timeoutSeconds: 6, maximumRetryAttempts: 2 };
      bridge.addFunction(fn, [{ schedule: 'rate(1 hour)' }]);
      const first = firstRateRunInMs(1, 3_600_000); // the bridge's first rate schedule
      jest.advanceTimersByTime(first - 1);
      expect(invoked).toHaveLength(0);
      jest.advanceTimersByTime(1);
      expect(invoked).toEqual([expect.objectContaining({ source: 'aws.events', 'detail-type': 'Scheduled Event', resources: ['arn:aws:events:eu-west-1:000000000000:rule/yubl-ops-dev-sweep-schedule-1'] })]);
      jest.advanceTimersByTime(3_599_999);
      expect(invoked).toHaveLength(1);
      jest.advanceTimersByTime(1); // then once an hour
      expect(invoked).toHaveLength(2);
      bridge.handle('AWSEvents.DisableRule', { Name: 'yubl-ops-dev-sweep-schedule-1' });
      jest.advanceTimersByTime(7_200_000);
      expect(invoked).toHaveLength(2);
      bridge.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});
