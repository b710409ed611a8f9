'use strict';

// The feed served outside Lambda (issue 10, scripts/serve) against its Lambda functions, in one
// run on one cloud: GET /feed at a constant 100 requests/s for 60 s (open loop, bench/open-loop.js)
// - lambda: through the gateway to serverless-offline (authorizer and get-feed as Lambda runs them);
// - served: straight to one served process (`./build.sh serve --service feed`);
// - served via gateway: the gateway sending /feed to the served process (`local-cloud serve feed`),
//   the same hops as the Lambda path.
// Errors, p50/p99 from the scheduled send, scheduled against answered. BENCH_SERVE_SECONDS shortens it.
// Reading it: an open loop keeps sending when answers lag, so a path that falls behind collapses
// instead of slowing down politely (autocannon's 10 connections in load.bench.js cap what is
// outstanding and hide that). serverless-offline starts one more worker thread for each invocation
// that finds none idle, so once the Lambda path lags, each new request costs a bundle load.


const { spawn, execFileSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { startBenchCloud, writeResult, aUser } = require('./cloud');
const { runOpenLoop, httpGet } = require('./open-loop');

const SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 60);
const RATE = 100;
const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'scripts/local-cloud/bin/local-cloud.js');

async function startServed(stateDir, port) {
  const child = spawn(process.execPath, [path.join(root, 'scripts/serve/bin/serve.js'), '--service', 'feed', '--port', String(port), '--state-dir', stateDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the served feed did not start');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return child;
}

const line = (name, r) =>
  `${name.padEnd(18)} scheduled ${r.scheduled}, answered ${r.answered}, ok ${r.ok}, errors ${r.errors} (${r.timeouts} timeouts), p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max outstanding ${r.maxOutstanding}`;

async function main() {
  const bench = startBenchCloud();
  let served;
  try {
    const { baseUrl } = bench.cloud;
    const reader = await aUser(baseUrl, randomUUID().slice(0, 8));
    for (let i = 0; i < 5; i += 1) {
      await fetch(`${baseUrl}/yubls`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${reader.token}` }, body: JSON.stringify({ text: `serve ${i}` }) });
    }
    const headers = { authorization: `Bearer ${reader.token}` };
    const servedPort = new URL(baseUrl).port * 1 + 290;
    served = await startServed(bench.stateDir, servedPort);
    const servedUrl = `http://127.0.0.1:${servedPort}/feed`;
    // Both paths warm, and the yubls in the reader's feed, before measuring.
    for (let i = 0; i < 30; i += 1) {
      await fetch(`${baseUrl}/feed`, { headers });
      await fetch(servedUrl, { headers });
    }
    const loadBefore = os.loadavg();
    console.log(`serve: GET /feed at ${RATE} requests/s for ${SECONDS} s each, open loop: the Lambda path, served, served via the gateway`);
    const lambda = await runOpenLoop({ rate: RATE, seconds: SECONDS, send: httpGet(`${baseUrl}/feed`, headers) });
    console.log(line('lambda', lambda));
    const direct = await runOpenLoop({ rate: RATE, seconds: SECONDS, send: httpGet(servedUrl, headers) });
    console.log(line('served', direct));
    served.kill('SIGTERM');
    served = undefined;
    execFileSync(process.execPath, [cli, 'serve', 'feed', '--state-dir', bench.stateDir], { stdio: 'ignore' });
    for (let i = 0; i < 30; i += 1) await fetch(`${baseUrl}/feed`, { headers });
    const viaGateway = await runOpenLoop({ rate: RATE, seconds: SECONDS, send: httpGet(`${baseUrl}/feed`, headers) });
    console.log(line('served via gateway', viaGateway));
    writeResult('serve', {
      note: 'same run, one after another, on one local cloud; latency from each request`s scheduled send (open loop)',
      // The machine's 1/5/15-minute load averages before and after: on a shared machine, read the figures against them.
      cpus: os.cpus().length,
      loadAverage: { before: loadBefore.map((l) => Number(l.toFixed(1))), after: os.loadavg().map((l) => Number(l.toFixed(1))) },
      lambda,
      served: direct,
      servedViaGateway: viaGateway,
      p99RatioServedToLambda: direct.p99Ms && lambda.p99Ms ? Number((direct.p99Ms / lambda.p99Ms).toFixed(2)) : null,
      p99RatioServedViaGatewayToLambda: viaGateway.p99Ms && lambda.p99Ms ? Number((viaGateway.p99Ms / lambda.p99Ms).toFixed(2)) : null,
    });
  } finally {
    served?.kill('SIGTERM');
    bench.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
