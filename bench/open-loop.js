'use strict';

// Open-loop load: a constant arrival rate. Request i is due at start + i/rate and is sent then,
// however many earlier ones are still outstanding (a closed loop — autocannon's connections — waits
// for an answer before sending more, and so sends less exactly when the system is slow). Latency is
// counted from when a request was due, not from when it went out, so a stalled sender shows up in
// the figures instead of hiding (no coordinated omission). Reports scheduled against answered.
//
//   const { runOpenLoop, httpGet } = require('./open-loop');
//   const result = await runOpenLoop({ rate: 100, seconds: 60, send: httpGet(url, headers) });
// With `phases: [{name: 'first10s', fromS: 0}, {name: 'after10s', fromS: 10}]` the result also has
// the same counts and percentiles per phase (by due time) under `phases`; `generatorCpuShare` is the
// generator's own CPU over the run, as a share of one core (it shares the machine it measures).

const http = require('node:http');

const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
const round = (ms) => (ms === null ? null : Number(ms.toFixed(2)));

/**
 * A `send` for runOpenLoop: GET `url` on keep-alive connections with no cap on their number (an open
 * loop must never queue behind its own pool); resolves with the status, rejects on a network error.
 */
function httpGet(url, headers = {}, { timeoutMs = 10_000 } = {}) {
  // An idle connection is closed after 4 s, before the server's own 5 s (Node's keepAliveTimeout):
  // a request sent on a connection the server is closing fails with ECONNRESET, a race of the
  // generator's and not an error of the server's.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4_000 });
  return () =>
    new Promise((resolve, reject) => {
      const request = http.get(url, { headers, agent, timeout: timeoutMs }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' })));
      request.on('error', reject);
    });
}

/** Counts and latency percentiles of some requests' outcomes ({status} or {error}, latency from due). */
function summarise(outcomes) {
  const ok = outcomes.filter((o) => o.status >= 200 && o.status < 300).map((o) => o.latencyMs).sort((a, b) => a - b);
  return {
    scheduled: outcomes.length,
    answered: outcomes.filter((o) => o.status !== undefined).length,
    ok: ok.length,
    errors: outcomes.length - ok.length,
    p50Ms: round(percentile(ok, 50)),
    p99Ms: round(percentile(ok, 99)),
    maxMs: round(ok.length ? ok[ok.length - 1] : null),
  };
}

/**
 * Sends `rate` requests a second for `seconds`, each `send(i)` on its schedule; resolves once every
 * one is answered or failed. A status of 2xx is ok; any other status, and a rejection, an error.
 */
async function runOpenLoop({ rate, seconds, send, phases }) {
  const scheduled = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const latencies = [];
  const statuses = {};
  let sent = 0;
  let answered = 0;
  let failed = 0;
  let timeouts = 0;
  let maxOutstanding = 0;
  let latestSendMs = 0; // how far behind its schedule the sender ever was
  let lastSendMs = 0; // when the last request went out: the run's measured length
  const pending = [];
  const outcomes = []; // per request: due offset, status or error, latency
  const cpuBefore = process.cpuUsage();
  const start = performance.now();

  const fire = (i, due) => {
    const outcome = { dueMs: due - start };
    outcomes.push(outcome);
    sent += 1;
    maxOutstanding = Math.max(maxOutstanding, sent - answered - failed);
    latestSendMs = Math.max(latestSendMs, performance.now() - due);
    pending.push(
      Promise.resolve()
        .then(() => send(i))
        .then(
          (status) => {
            answered += 1;
            statuses[status] = (statuses[status] ?? 0) + 1;
            outcome.status = status;
            outcome.latencyMs = performance.now() - due;
            if (status >= 200 && status < 300) latencies.push(performance.now() - due); // other statuses count as errors below
          },
          (error) => {
            failed += 1;
            outcome.error = true;
            if (error.code === 'TIMEOUT') timeouts += 1;
          },
        ),
    );
  };

  await new Promise((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < scheduled && start + next * intervalMs <= now) {
        fire(next, start + next * intervalMs);
        next += 1;
      }
      if (next >= scheduled) {
        lastSendMs = performance.now() - start;
        return resolve();
      }
      // Wake at the next due time (timers may fire late; whatever fell due meanwhile goes at once).
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - start;
  const byPhase = phases
    ? Object.fromEntries(phases.map(({ name, fromS }, i) => {
      const toMs = (phases[i + 1]?.fromS ?? Infinity) * 1000;
      return [name, summarise(outcomes.filter((o) => o.dueMs >= fromS * 1000 && o.dueMs < toMs))];
    }))
    : undefined;

  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statuses).reduce((sum, [status, count]) => sum + (Number(status) >= 200 && Number(status) < 300 ? 0 : count), 0);
  return {
    ratePerSecond: rate,
    seconds,
    // measured: from the first send to the last, and until the last answer (or failure)
    sendingSeconds: Number((lastSendMs / 1000).toFixed(2)),
    wallSeconds: Number((wallMs / 1000).toFixed(2)),
    scheduled,
    sent,
    answered,
    ok: latencies.length,
    errors: failed + non2xx,
    networkErrors: failed,
    timeouts,
    statuses,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.length ? latencies[latencies.length - 1] : null),
    maxOutstanding,
    latestSendMs: round(latestSendMs),
    generatorCpuShare: Number(((cpu.user + cpu.system) / 1000 / wallMs).toFixed(3)),
    ...(byPhase ? { phases: byPhase } : {}),
  };
}

module.exports = { runOpenLoop, httpGet };
