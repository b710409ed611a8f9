'use strict';

// Start-up (issue 13): the whole backend's local cloud, `local-cloud up --detach` as
// `./build.sh deploy --stage local --detach` runs it, until it says ready. Two kinds of start,
// alternating in one run: `fresh`, as on a fresh clone after install (an empty cache of its own
// through LOCAL_CLOUD_CACHE_DIR: every `serverless print` and every esbuild bundle made again), then
// `unchanged`, the next start with nothing changed (the same cache). Each start's breakdown is the
// cloud's own `start-up breakdown` line (src/start-timings.js): the longest phase of each kind.
// Targets: ≤ 10 s unchanged, ≤ 20 s fresh. The developer's own .local/cache is not touched; the
// cloud runs on the bench's port base and state directory (bench/cloud.js).

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { benchCloudPlace, writeResult } = require('./cloud');

const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 2);
const TARGETS = { unchangedMs: 10_000, freshMs: 20_000 };

/** The breakdown line's phases, `name 1.2s (0.3–1.5)`, grouped: the longest print, the longest offline, the rest as they are. */
function breakdownOf(log) {
  const line = log.split('\n').filter((l) => l.includes('start-up breakdown')).pop() ?? '';
  const phases = {};
  for (const [, name, seconds] of line.matchAll(/([\w:-]+) ([\d.]+)s \(/g)) {
    const kind = name.split(':')[0];
    phases[kind] = Math.max(phases[kind] ?? 0, Number(seconds));
  }
  return phases;
}

function start(kind, cacheDir) {
  const { cli, stateDir, portBase } = benchCloudPlace();
  execFileSync(process.execPath, [cli, 'stop', '--state-dir', stateDir], { stdio: 'ignore' });
  const load = os.loadavg()[0];
  const started = process.hrtime.bigint();
  let readyMs;
  let phases;
  try {
    execFileSync(process.execPath, [cli, 'up', '--detach', '--port-base', String(portBase), '--state-dir', stateDir], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, LOCAL_CLOUD_CACHE_DIR: cacheDir },
    });
    readyMs = Number(process.hrtime.bigint() - started) / 1e6;
    phases = breakdownOf(fs.readFileSync(path.join(stateDir, 'local-cloud.log'), 'utf8'));
  } finally {
    execFileSync(process.execPath, [cli, 'stop', '--state-dir', stateDir], { stdio: 'ignore' });
  }
  const run = { kind, readyMs: Math.round(readyMs), loadAverageBefore: Math.round(load * 10) / 10, longestPhaseS: phases };
  console.log(`${kind.padEnd(9)} ready in ${(readyMs / 1000).toFixed(1)} s (load ${run.loadAverageBefore}); longest: ${Object.entries(phases).map(([name, s]) => `${name} ${s}s`).join(', ')}`);
  return run;
}

function main() {
  console.log(`start-up: ${ROUNDS} rounds of a fresh start (empty caches) then an unchanged one, alternating`);
  const runs = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yubl-startup-cache-'));
    try {
      runs.push(start('fresh', cacheDir), start('unchanged', cacheDir));
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  const of = (kind) => runs.filter((run) => run.kind === kind).map((run) => run.readyMs);
  const summary = { fresh: { minMs: Math.min(...of('fresh')), maxMs: Math.max(...of('fresh')) }, unchanged: { minMs: Math.min(...of('unchanged')), maxMs: Math.max(...of('unchanged')) } };
  const met = { unchanged: summary.unchanged.maxMs <= TARGETS.unchangedMs, fresh: summary.fresh.maxMs <= TARGETS.freshMs };
  console.log(`fresh ${summary.fresh.minMs}–${summary.fresh.maxMs} ms (target ≤ ${TARGETS.freshMs}), unchanged ${summary.unchanged.minMs}–${summary.unchanged.maxMs} ms (target ≤ ${TARGETS.unchangedMs})`);
  writeResult('startup', { cores: os.availableParallelism(), runs, summary, targets: TARGETS, met });
}

main();
