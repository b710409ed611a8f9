'use strict';

// Open-loop load: a constant arrival rate. Request i is due at start + i/rate and is sent then,
// however many earlier ones are still outstanding (a closed loop — autocannon's connections — waits
// for an answer before sending more, and so sends less exactly when the system is slow). Latency is
// counted from when a request was due, not from when it went out, so a stalled sender shows up in
// the figures instead of hiding (no coordinated omission). Reports scheduled against answered.
//
//   const { runOpenLoop, httpGet } = require('./open-loop');
//   const result = await runOpenLoop({ rate: 100, seconds: 60, send: httpGet(url, headers) });

const http = require('node:http');

const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
const round = (ms) => (ms === null ? null : Number(ms.toFixed(2)));

/**
 * A `send` for runOpenLoop: GET `url` on keep-alive connections with no cap on their number (an open
 * loop must never queue behind its own pool); resolves with the status, rejects on a network error.
 */
function httpGet(url, headers = {}, { timeoutMs = 10_000 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
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

/**
 * Sends `rate` requests a second for `seconds`, each `send(i)` on its schedule; resolves once every
 * one is answered or failed. A status of 2xx is ok; any other status, and a rejection, an error.
 */
async function runOpenLoop({ rate, seconds, send }) {
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
  const pending = [];
  const start = performance.now();

  const fire = (i, due) => {
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
            if (status >= 200 && status < 300) latencies.push(performance.now() - due); // other statuses count as errors below
          },
          (error) => {
            failed += 1;
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
      if (next >= scheduled) return resolve();
      // Wake at the next due time (timers may fire late; whatever fell due meanwhile goes at once).
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);

  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statuses).reduce((sum, [status, count]) => sum + (Number(status) >= 200 && Number(status) < 300 ? 0 : count), 0);
  return {
    ratePerSecond: rate,
    seconds,
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
  };
}

module.exports = { runOpenLoop, httpGet };
