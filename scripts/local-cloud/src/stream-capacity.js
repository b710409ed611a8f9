'use strict';

// How many shards a Kinesis stream gets locally. kinesalite knows no capacity modes: it needs a
// shard count. A provisioned stream gets the ShardCount it declares; an on-demand stream (every
// stream of the shared stack, docs/design.md) gets the 4 shards AWS gives a new on-demand stream.
// What kinesalite cannot do is what on-demand is for: AWS adds shards as the write rate grows and
// never throttles within twice the previous peak; the local streams keep their 4 shards and
// kinesalite's own limits.
const ON_DEMAND_INITIAL_SHARDS = 4;

/** @param {{ StreamModeDetails?: { StreamMode?: string }, ShardCount?: number }} props */
function shardCount(props) {
  if (props.StreamModeDetails?.StreamMode === 'ON_DEMAND') return ON_DEMAND_INITIAL_SHARDS;
  return props.ShardCount ?? 1;
}

module.exports = { shardCount, ON_DEMAND_INITIAL_SHARDS };
