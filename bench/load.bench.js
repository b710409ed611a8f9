'use strict';

// HTTP load (issue 5): GET /feed through the gateway at a steady 100 requests/s for 60 s (ten
// times the seed's load test), beside a bare handler behind the same gateway, with autocannon:
// errors, p50/p99, and the p99 ratio to the bare handler. BENCH_LOAD_SECONDS shortens it.

const autocannon = require('autocannon');
const { randomUUID } = require('node:crypto');
const path = require('node:path');
const { startBenchCloud, writeResult, aUser } = require('./cloud');

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const RATE = 100;

function run(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: 10, overallRate: RATE, duration: SECONDS }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const summary = (result) => ({
  requests: result.requests.total,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  maxMs: result.latency.max,
});

async function main() {
  const bench = startBenchCloud([path.join(__dirname, 'fixture')]);
  try {
    const { baseUrl } = bench.cloud;
    const reader = await aUser(baseUrl, randomUUID().slice(0, 8));
    for (let i = 0; i < 5; i += 1) {
      await fetch(`${baseUrl}/yubls`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${reader.token}` }, body: JSON.stringify({ text: `load ${i}` }) });
    }
    // Warm both paths before measuring.
    for (let i = 0; i < 20; i += 1) {
      await fetch(`${baseUrl}/bench/bare`);
      await fetch(`${baseUrl}/feed`, { headers: { authorization: `Bearer ${reader.token}` } });
    }
    console.log(`load: ${RATE} requests/s for ${SECONDS} s each, bare handler then GET /feed`);
    const bare = summary(await run(`${baseUrl}/bench/bare`, {}));
    const feed = summary(await run(`${baseUrl}/feed`, { authorization: `Bearer ${reader.token}` }));
    const result = { ratePerSecond: RATE, seconds: SECONDS, bare, feed, p99RatioToBare: Number((feed.p99Ms / bare.p99Ms).toFixed(2)), zeroErrors: feed.errors + feed.timeouts + feed.non2xx === 0 };
    for (const [name, s] of [['bare', bare], ['GET /feed', feed]]) {
      console.log(`${name.padEnd(10)} ${s.requests} requests, ${s.errors} errors, ${s.timeouts} timeouts, ${s.non2xx} non-2xx, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
    }
    console.log(`p99 of GET /feed is ${result.p99RatioToBare}× the bare handler's; zero errors: ${result.zeroErrors ? 'yes' : 'NO'}`);
    writeResult('load', result);
  } finally {
    bench.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
