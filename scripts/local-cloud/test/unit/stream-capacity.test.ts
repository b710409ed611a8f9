// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shardCount, ON_DEMAND_INITIAL_SHARDS } = require('../../src/stream-capacity');

describe('a local stream', () => {
  it('on demand gets the shards AWS gives a new on-demand stream', () => {
    expect(ON_DEMAND_INITIAL_SHARDS).toBe(4);
    expect(shardCount({ Name: 'users-local', StreamModeDetails: { StreamMode: 'ON_DEMAND' } })).toBe(4);
  });

  it('provisioned gets the count it declares, one when it declares none', () => {
    expect(shardCount({ ShardCount: 3, StreamModeDetails: { StreamMode: 'PROVISIONED' } })).toBe(3);
    expect(shardCount({})).toBe(1);
  });
});
