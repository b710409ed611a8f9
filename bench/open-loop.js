'use strict';

// An open-loop load generator: requests leave on a fixed schedule (`rate` a second), whether or
// not the ones before were answered, as an app's users do not wait for each other. Latency runs
// from each request's scheduled time, so a generator that falls behind cannot hide the wait
// (no coordinated omission). Reports scheduled vs answered and p50/p99 per phase. Written here
// because autocannon and its kin are closed-loop (a fixed number of connections, each waiting for
// its answer before sending again), which never sends more than that many at once.

const { performance } = require('node:perf_hooks');

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (ms) => (ms === null ? null : Math.round(ms * 10) / 10);

/** What a phase's requests came to: counts, then latency of the answered ones (ms). */
function summarise(results) {
  const answered = results.filter((r) => r.status !== undefined);
  const ok = answered.filter((r) => r.status >= 200 && r.status < 300);
  const latencies = answered.map((r) => r.latencyMs).sort((a, b) => a - b);
  return {
    scheduled: results.length,
    answered: answered.length,
    ok: ok.length,
    non2xx: answered.length - ok.length,
    errors: results.filter((r) => r.error).length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.length ? latencies[latencies.length - 1] : null),
  };
}

/**
 * Sends `rate` requests a second for `seconds` to `url`; each request gets `timeoutMs` to be
 * answered. `phases` splits the report by the scheduled time: [{name, fromS}] in order.
 * Resolves {overall, phases: {name: summary}, generatorCpuShare, lateSends}.
 */
async function openLoop({ url, rate, seconds, headers = {}, timeoutMs = 30_000, phases = [{ name: 'all', fromS: 0 }] }) {
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const results = [];
  const inFlight = [];
  const cpuBefore = process.cpuUsage();
  const start = performance.now() + 50;
  let next = 0;
  let lateSends = 0; // sent more than 10 ms after their time: the generator could not keep up

  const send = (index) => {
    const scheduledAt = start + index * intervalMs;
    const record = { index, scheduledMs: scheduledAt - start };
    results.push(record);
    if (performance.now() - scheduledAt > 10) lateSends += 1;
    const job = fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
      .then(async (response) => {
        await response.arrayBuffer();
        record.status = response.status;
        record.latencyMs = performance.now() - scheduledAt;
      })
      .catch((error) => {
        record.error = error.name === 'TimeoutError' ? 'timeout' : error.message;
      });
    inFlight.push(job);
  };

  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) send(next++);
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  const elapsedSendingMs = performance.now() - start;
  await Promise.all(inFlight);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - start;

  const byPhase = {};
  phases.forEach(({ name, fromS }, i) => {
    const toS = phases[i + 1]?.fromS ?? Infinity;
    byPhase[name] = summarise(results.filter((r) => r.scheduledMs >= fromS * 1000 && r.scheduledMs < toS * 1000));
  });
  return {
    url,
    ratePerSecond: rate,
    seconds,
    overall: summarise(results),
    phases: byPhase,
    lateSends,
    sendingSeconds: round(elapsedSendingMs / 1000),
    // The generator's own share of one core while it ran (it shares the machine with the cloud).
    generatorCpuShare: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 1000,
  };
}

module.exports = { openLoop, summarise, percentile };
