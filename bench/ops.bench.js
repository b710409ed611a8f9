'use strict';

// The ops plane (issue 8), on the local cloud, side by side in one run:
// 1. Shipping: one subscription payload of 10,000 lines (our JSON lines, MONITORING metrics and
//    Lambda's REPORT lines, mixed) through ship-logs, invoked as CloudWatch Logs would (its time
//    from invocation to answer), against the same lines sent by a bare `_bulk` loop with the
//    official client to the same store. Target: ship-logs ≥ 50 % of the bare loop's lines/s.
// 2. Freshness: during a fan-out to 10,000 feeds, the delay from a line being written (its
//    @timestamp) to its being searchable in the store, p50 and p99, over every line of that
//    request's call chain.
// Results: bench/results/ops.json. A benchmark reports; it does not fail on timings.

const { randomUUID } = require('node:crypto');
const zlib = require('node:zlib');
const { Client } = require('@opensearch-project/opensearch');
const { InvokeCommand, LambdaClient } = require('@aws-sdk/client-lambda');
const { aUser, followedBy, startBenchCloud, writeResult } = require('./cloud');

const LINES = Number(process.env.BENCH_OPS_LINES ?? 10_000);
const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/** LINES log events of the three kinds ship-logs reads, with unique ids. */
function logEvents(run) {
  const now = Date.now();
  return Array.from({ length: LINES }, (_, i) => {
    const timestamp = now + i;
    const requestId = randomUUID();
    const message =
      i % 10 === 0
        ? `REPORT RequestId: ${requestId}\tDuration: ${(i % 97) + 0.5} ms\tBilled Duration: ${(i % 97) + 1} ms\tMemory Size: 1024 MB\tMax Memory Used: 80 MB\t`
        : i % 10 === 1
          ? `MONITORING|${Math.floor(timestamp / 1000)}|1|count|bench-metric|run=${run}`
          : JSON.stringify({ level: 'info', message: 'bench line', timestamp: new Date(timestamp).toISOString(), function: 'bench', 'x-correlation-id': `${run}-${i % 50}`, i });
    return { id: `${String(timestamp).padStart(16, '0')}${String(i).padStart(40, '0')}`, timestamp, message };
  });
}

function subscriptionEvent(logGroup, events) {
  const payload = { messageType: 'DATA_MESSAGE', owner: '000000000000', logGroup, logStream: '2026/12/01/[$LATEST]bench', subscriptionFilters: ['bench'], logEvents: events };
  return { awslogs: { data: zlib.gzipSync(JSON.stringify(payload)).toString('base64') } };
}

async function shipThroughShipLogs(lambda, stage, events) {
  const started = process.hrtime.bigint();
  const answer = await lambda.send(new InvokeCommand({ FunctionName: `ops-${stage}-ship-logs`, Payload: Buffer.from(JSON.stringify(subscriptionEvent(`/aws/lambda/bench-${stage}-shipper`, events))) }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (answer.FunctionError) throw new Error(`ship-logs failed: ${Buffer.from(answer.Payload ?? []).toString('utf8')}`);
  return seconds;
}

async function shipThroughBareBulk(search, index, events) {
  const started = process.hrtime.bigint();
  const body = events.flatMap((event) => [{ index: { _index: index, _id: event.id } }, { message: event.message, '@timestamp': new Date(event.timestamp).toISOString() }]);
  const { body: answer } = await search.bulk({ body });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (answer.errors) throw new Error('the bare _bulk had failed items');
  return seconds;
}

/** Polls the store for one call chain's lines while the fan-out runs: first-seen time per line. */
async function watchFreshness(search, stage, correlationId, until) {
  const firstSeen = new Map(); // _id -> { seenAt, writtenAt }
  while (!until()) {
    const { body } = await search.search({
      index: `logs-${stage}-*`,
      body: { query: { bool: { filter: [{ term: { 'x-correlation-id.keyword': correlationId } }] } }, size: 10_000, sort: [{ '@timestamp': 'asc' }] },
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    const now = Date.now();
    for (const hit of body.hits.hits) if (!firstSeen.has(hit._id)) firstSeen.set(hit._id, { seenAt: now, writtenAt: Date.parse(hit._source['@timestamp']) });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [...firstSeen.values()].map(({ seenAt, writtenAt }) => seenAt - writtenAt);
}

async function main() {
  const bench = startBenchCloud();
  try {
    const { cloud } = bench;
    const lambda = new LambdaClient({ region: cloud.region, endpoint: cloud.endpoints.lambda, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const search = new Client({ node: cloud.endpoints.opensearch });

    // 1. Shipping, rounds interleaved; a warm-up round first for each.
    const run = randomUUID().slice(0, 8);
    await shipThroughShipLogs(lambda, cloud.stage, logEvents(`${run}-warm`).slice(0, 100));
    await shipThroughBareBulk(search, `bench-bare-${run}`, logEvents(`${run}-warm`).slice(0, 100));
    const shipLogsSeconds = [];
    const bareSeconds = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      shipLogsSeconds.push(await shipThroughShipLogs(lambda, cloud.stage, logEvents(`${run}-${round}`)));
      bareSeconds.push(await shipThroughBareBulk(search, `bench-bare-${run}`, logEvents(`${run}-${round}`)));
    }
    const shipLogsRate = LINES / median(shipLogsSeconds);
    const bareRate = LINES / median(bareSeconds);

    // 2. Freshness during a fan-out.
    const author = await aUser(cloud.baseUrl, randomUUID().slice(0, 8).replace(/-/g, ''));
    await followedBy(cloud, author, FOLLOWERS);
    const correlationId = `bench-fanout-${randomUUID()}`;
    const response = await fetch(`${cloud.baseUrl}/yubls`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${author.token}`, 'x-correlation-id': correlationId }, body: JSON.stringify({ text: 'to ten thousand feeds, watched' }) });
    if (response.status !== 201) throw new Error(`POST /yubls answered ${response.status}`);
    const yubl = await response.json();
    let done = false;
    const delays = watchFreshness(search, cloud.stage, correlationId, () => done);
    const deadline = Date.now() + 120_000;
    for (let written = 0; written < FOLLOWERS + 1; ) {
      if (Date.now() > deadline) throw new Error(`only ${written} feed items after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      written = bench
        .log()
        .split('\n')
        .filter((line) => line.includes('"yubl added to feeds"') && line.includes(yubl.id))
        .reduce((sum, line) => sum + JSON.parse(line.slice(line.indexOf('{'))).feeds, 0);
    }
    // The last lines need a moment to travel: watch a few seconds more, then stop.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    done = true;
    const freshness = await delays;

    const result = {
      lines: LINES,
      rounds: ROUNDS,
      shipLogsSeconds: shipLogsSeconds.map((s) => Number(s.toFixed(3))),
      bareBulkSeconds: bareSeconds.map((s) => Number(s.toFixed(3))),
      shipLogsLinesPerSecond: Math.round(shipLogsRate),
      bareBulkLinesPerSecond: Math.round(bareRate),
      shareOfBareBulk: Number((shipLogsRate / bareRate).toFixed(3)),
      fanOut: { followers: FOLLOWERS, linesSeen: freshness.length, searchableDelayMs: { p50: percentile(freshness, 50), p99: percentile(freshness, 99), max: Math.max(...freshness) } },
      targets: { shareOfBareBulk: 0.5 },
      met: { shareOfBareBulk: shipLogsRate / bareRate >= 0.5 },
    };
    console.log(`shipping ${LINES} lines: ship-logs ${result.shipLogsLinesPerSecond} lines/s, bare _bulk ${result.bareBulkLinesPerSecond} lines/s: ${(result.shareOfBareBulk * 100).toFixed(0)} % (target ≥ 50 %: ${result.met.shareOfBareBulk ? 'met' : 'MISSED'})`);
    console.log(`during a fan-out to ${FOLLOWERS} feeds, ${freshness.length} lines of the call chain searchable after p50 ${result.fanOut.searchableDelayMs.p50} ms, p99 ${result.fanOut.searchableDelayMs.p99} ms`);
    writeResult('ops', result);
  } finally {
    bench.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
