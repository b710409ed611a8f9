import { isStageFunctionGroup, planFor, subscribeGroup, type ExistingFilter, type SubscriptionPorts } from '../../src/subscriptions';

const settings = {
  stage: 'dev',
  filterName: 'ops-ship-logs',
  destinationArn: 'arn:aws:lambda:eu-west-1:1:function:ops-dev-ship-logs',
  ownGroup: '/aws/lambda/ops-dev-ship-logs',
  retentionInDays: 30,
};
const ours: ExistingFilter = { filterName: 'ops-ship-logs', destinationArn: settings.destinationArn };
const foreign: ExistingFilter = { filterName: 'datadog', destinationArn: 'arn:aws:lambda:eu-west-1:1:function:dd' };

function fakeLogs(filters: ExistingFilter[] = [], putFilter: 'ok' | 'limit-exceeded' = 'ok') {
  const calls: string[] = [];
  const ports: SubscriptionPorts = {
    filtersOf: async (group) => (calls.push(`describe ${group}`), filters),
    putFilter: async (group) => (calls.push(`filter ${group}`), putFilter),
    putRetention: async (group, days) => void calls.push(`retention ${group} ${days}`),
  };
  return { ports, calls };
}

describe('the stage of a log group', () => {
  it('is the second word of /aws/lambda/<service>-<stage>-<function>', () => {
    expect(isStageFunctionGroup('/aws/lambda/feed-dev-add-to-feed', 'dev')).toBe(true);
    expect(isStageFunctionGroup('/aws/lambda/feed-dev-test-thing', 'test')).toBe(false);
    expect(isStageFunctionGroup('/aws/lambda/feed-prod-get-feed', 'dev')).toBe(false);
    expect(isStageFunctionGroup('/aws/lambda/feed-dev', 'dev')).toBe(false);
    expect(isStageFunctionGroup('/ecs/feed-dev-x', 'dev')).toBe(false);
  });
});

describe('the plan for a log group', () => {
  const group = (over = {}) => ({ logGroupName: '/aws/lambda/feed-dev-get-feed', filters: [], ...over });

  it("never subscribes ship-logs' own group", () => {
    expect(planFor(group({ logGroupName: settings.ownGroup }), settings)).toEqual({ kind: 'ignore', reason: "ship-logs' own group" });
  });

  it('subscribes a new group of the stage and sets its retention', () => {
    expect(planFor(group(), settings)).toEqual({ kind: 'apply', putFilter: true, putRetention: true });
  });

  it('does nothing to a group already ours with its retention; sets only a retention that differs', () => {
    expect(planFor(group({ filters: [ours], retentionInDays: 30 }), settings)).toEqual({ kind: 'apply', putFilter: false, putRetention: false });
    expect(planFor(group({ filters: [{ filterName: 'renamed', destinationArn: settings.destinationArn }], retentionInDays: 7 }), settings)).toEqual({
      kind: 'apply',
      putFilter: false,
      putRetention: true,
    });
  });

  it("leaves alone a group with someone else's filter, naming it", () => {
    expect(planFor(group({ filters: [foreign] }), settings)).toEqual({ kind: 'leave', reason: 'has a filter that is not ours: datadog' });
    expect(planFor(group({ filters: [ours, foreign] }), settings).kind).toBe('leave');
  });
});

describe('subscribing a log group', () => {
  it('describes, subscribes and sets the retention of a new group', async () => {
    const logs = fakeLogs();
    expect(await subscribeGroup({ logGroupName: '/aws/lambda/feed-dev-get-feed' }, settings, logs.ports)).toEqual({ logGroupName: '/aws/lambda/feed-dev-get-feed', outcome: 'subscribed' });
    expect(logs.calls).toEqual(['describe /aws/lambda/feed-dev-get-feed', 'filter /aws/lambda/feed-dev-get-feed', 'retention /aws/lambda/feed-dev-get-feed 30']);
  });

  it("costs no call for a group not the stage's, nor for ship-logs' own", async () => {
    const logs = fakeLogs();
    expect((await subscribeGroup({ logGroupName: '/aws/lambda/feed-prod-get-feed' }, settings, logs.ports)).outcome).toBe('ignored');
    expect((await subscribeGroup({ logGroupName: settings.ownGroup }, settings, logs.ports)).outcome).toBe('ignored');
    expect(logs.calls).toEqual([]);
  });

  it('leaves a group alone when AWS refuses another filter, setting nothing', async () => {
    const logs = fakeLogs([], 'limit-exceeded');
    expect(await subscribeGroup({ logGroupName: '/aws/lambda/feed-dev-get-feed' }, settings, logs.ports)).toEqual({
      logGroupName: '/aws/lambda/feed-dev-get-feed',
      outcome: 'left alone',
      reason: 'AWS refused another filter (LimitExceededException)',
    });
    expect(logs.calls.filter((call) => call.startsWith('retention'))).toEqual([]);
  });

  it('uses filters it was given (the sweep) and is a no-op for a group up to date', async () => {
    const logs = fakeLogs();
    expect((await subscribeGroup({ logGroupName: '/aws/lambda/feed-dev-get-feed', retentionInDays: 30, filters: [ours] }, settings, logs.ports)).outcome).toBe('up to date');
    expect((await subscribeGroup({ logGroupName: '/aws/lambda/feed-dev-get-feed', retentionInDays: 7, filters: [ours] }, settings, logs.ports)).outcome).toBe('retention set');
    expect(logs.calls).toEqual(['retention /aws/lambda/feed-dev-get-feed 30']);
  });
});
