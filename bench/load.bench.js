'use strict';

// HTTP load (issue 13): on a cloud that has just started (no warm-up), a bare handler and then
// GET /feed through the gateway, each at a constant 100 requests/s for 60 s, open loop
// (bench/open-loop.js, shared with serve.bench.js: every request on schedule however many are outstanding). Reports scheduled
// vs answered, errors and p50/p99 for the first 10 s (cold starts) and after, and the feed's p99
// after against the bare handler's. BENCH_LOAD_SECONDS shortens it.

const { randomUUID } = require('node:crypto');
const path = require('node:path');
const { startBenchCloud, writeResult, aUser } = require('./cloud');
const { runOpenLoop, httpGet } = require('./open-loop');

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const RATE = Number(process.env.BENCH_LOAD_RATE ?? 100);
const PHASES = [{ name: 'first10s', fromS: 0 }, { name: 'after10s', fromS: 10 }];
const TARGETS = { firstP99Ms: 2000, bareAfterP99Ms: 50, feedAfterP99RatioToBare: 2 };

const line = (name, run) =>
  Object.entries(run.phases)
    .map(([phase, s]) => `${name.padEnd(9)} ${phase.padEnd(9)} scheduled ${s.scheduled}, answered ${s.answered}, 2xx ${s.ok}, errors ${s.errors}, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, max ${s.maxMs} ms`)
    .join('\n');

async function main() {
  const bench = startBenchCloud([path.join(__dirname, 'fixture')]);
  try {
    const { baseUrl } = bench.cloud;
    const reader = await aUser(baseUrl, randomUUID().slice(0, 8));
    console.log(`load: ${RATE} requests/s for ${SECONDS} s each, open loop, on a cloud that has just started: bare handler, then GET /feed`);
    const bare = await runOpenLoop({ rate: RATE, seconds: SECONDS, phases: PHASES, send: httpGet(`${baseUrl}/bench/bare`, {}, { timeoutMs: 30_000 }) });
    console.log(line('bare', bare));
    const feed = await runOpenLoop({ rate: RATE, seconds: SECONDS, phases: PHASES, send: httpGet(`${baseUrl}/feed`, { authorization: `Bearer ${reader.token}` }, { timeoutMs: 30_000 }) });
    console.log(line('GET /feed', feed));
    const after = (run) => run.phases.after10s ?? run;
    const everyAnswered = [bare, feed].every((run) => run.ok === run.scheduled);
    const ratio = after(bare).p99Ms ? Math.round((after(feed).p99Ms / after(bare).p99Ms) * 100) / 100 : null;
    const result = {
      ratePerSecond: RATE,
      seconds: SECONDS,
      bare,
      feed,
      feedAfterP99RatioToBare: ratio,
      targets: TARGETS,
      met: {
        everyAnswered,
        firstP99: [bare, feed].every((run) => (run.phases.first10s?.p99Ms ?? Infinity) <= TARGETS.firstP99Ms),
        bareAfterP99: (after(bare).p99Ms ?? Infinity) <= TARGETS.bareAfterP99Ms,
        feedAfterRatio: ratio !== null && ratio <= TARGETS.feedAfterP99RatioToBare,
      },
      generatorCpuShare: { bare: bare.generatorCpuShare, feed: feed.generatorCpuShare },
    };
    console.log(`every request answered 2xx: ${everyAnswered ? 'yes' : 'NO'}; GET /feed p99 after 10 s is ${ratio}× the bare handler's; generator CPU ${bare.generatorCpuShare}/${feed.generatorCpuShare} of a core`);
    writeResult('load', result);
  } finally {
    bench.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
