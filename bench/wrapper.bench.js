'use strict';

// ./build.sh bench: the wrapper libs against the bare handler, middy with three middlewares and AWS
// Powertools logger + metrics, on the same handler logic, side by side in one run:
//   warm µs per invocation (a process per variant, 100k invocations after a warm-up, repeated in
//   interleaved rounds; the median round counts), minified bytes each adds to the bundle, and the
//   cold load of a fresh process against `node -e ''`. Also our logger against pino and console.log,
//   line for line, every line's write inside the clock.
// Results: bench/results/wrapper.json. Targets (issue 3): warm ≤ 1.3× bare, ≤ 10 KB added (14 KB since
// issues 9 and 10: libs/lambda/test/unit/bundle-size.test.ts says why),
// cold ≤ 1.1× bare. This is a benchmark, not a test: it reports, it does not fail on timings.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { bundle, VARIANTS } = require('./wrapper/build');

const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS ?? 100_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
// Which Node binaries to measure on, as name=path pairs: build.sh passes the machine's Node and
// Node 22, the runtime the functions ship to.
const NODES = (process.env.BENCH_NODES ?? `node${process.versions.node.split('.')[0]}=${process.execPath}`)
  .split(',')
  .map((pair) => pair.split('='));
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 20);
const LOG_LINES = 200_000;
// 'none' writes nothing: the runner's own loop, for reading the others against.
const LOGGERS = ['none', 'console', 'pino', 'yubl'];
const LINES_PER_STRETCH = [1, 5];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

let nodeBin = process.execPath;

function runNode(args) {
  const result = spawnSync(nodeBin, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return result.stderr;
}

/** The result line a runner writes last on stderr (anything before it is the variant's own noise). */
const resultOf = (stderr) => JSON.parse(stderr.trim().split('\n').filter((line) => line.startsWith('{')).pop());

function timeSpawn(args) {
  const started = process.hrtime.bigint();
  runNode(args);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function measure(bundles) {
  const runner = path.join(__dirname, 'wrapper', 'runner.js');
  const cold = path.join(__dirname, 'wrapper', 'cold.js');
  const loggerRunner = path.join(__dirname, 'wrapper', 'logger-runner.js');

  const version = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`warm: ${ROUNDS} rounds of ${INVOCATIONS} invocations per variant (after ${WARMUP} to warm up), node ${version}, ${os.cpus().length} cores`);
  const warm = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const variant of VARIANTS) {
      const result = resultOf(runNode([runner, bundles[variant].outfile, String(INVOCATIONS), String(WARMUP)]));
      if (result.statusCode !== 201) throw new Error(`${variant} answered ${result.statusCode}, not 201`);
      warm[variant].push(result.usPerInvocation);
    }
  }

  console.log(`cold: ${COLD_RUNS} fresh processes per variant, interleaved`);
  const coldTimes = Object.fromEntries(['node -e ""', ...VARIANTS].map((v) => [v, []]));
  for (let run = 0; run < COLD_RUNS; run += 1) {
    coldTimes['node -e ""'].push(timeSpawn(['-e', '']));
    for (const variant of VARIANTS) coldTimes[variant].push(timeSpawn([cold, bundles[variant].outfile]));
  }

  // Every line's write is inside the clock (the runner waits for each stretch to leave), in
  // stretches of one line and of five, as an invocation writes them.
  const loggers = {};
  for (const kind of LOGGERS) {
    const perLine = {};
    for (const perStretch of LINES_PER_STRETCH) {
      const samples = [];
      for (let round = 0; round < ROUNDS; round += 1) samples.push(resultOf(runNode([loggerRunner, bundles[`logger-${kind}`].outfile, String(LOG_LINES), String(perStretch)])).usPerLine);
      perLine[perStretch] = Number(median(samples).toFixed(3));
    }
    loggers[kind] = { usPerLineByLinesPerStretch: perLine, bundleBytes: bundles[`logger-${kind}`].bytes };
  }

  const bare = { warm: median(warm.bare), cold: median(coldTimes.bare), bytes: bundles.bare.bytes, warmBest: Math.min(...warm.bare) };
  const variants = Object.fromEntries(
    VARIANTS.map((variant) => {
      const w = median(warm[variant]);
      const c = median(coldTimes[variant]);
      return [
        variant,
        {
          warmUsPerInvocation: Number(w.toFixed(3)),
          warmRatio: Number((w / bare.warm).toFixed(3)),
          // the best round of each, the least disturbed by the machine
          warmBestRatio: Number((Math.min(...warm[variant]) / bare.warmBest).toFixed(3)),
          warmRounds: warm[variant].map((x) => Number(x.toFixed(3))),
          bundleBytes: bundles[variant].bytes,
          addedBytes: bundles[variant].bytes - bare.bytes,
          coldMs: Number(c.toFixed(2)),
          coldRatio: Number((c / bare.cold).toFixed(3)),
        },
      ];
    }),
  );
  const results = {
    node: version,
    invocations: INVOCATIONS,
    rounds: ROUNDS,
    coldRuns: COLD_RUNS,
    nodeEmptyColdMs: Number(median(coldTimes['node -e ""']).toFixed(2)),
    variants,
    loggers,
    targets: { warmRatio: 1.3, addedBytes: 10_240, coldRatio: 1.1 },
    yublMeetsTargets: {
      warm: variants.yubl.warmRatio <= 1.3,
      bytes: variants.yubl.addedBytes <= 10_240,
      cold: variants.yubl.coldRatio <= 1.1,
    },
  };

  console.log('');
  console.log('variant      warm µs   ×bare  (best ×bare)   bundle B   added B   cold ms   ×bare');
  for (const [name, v] of Object.entries(variants)) {
    console.log(
      `${name.padEnd(12)} ${v.warmUsPerInvocation.toFixed(2).padStart(7)}  ${v.warmRatio.toFixed(2).padStart(6)}  (${v.warmBestRatio.toFixed(2).padStart(6)})     ${String(v.bundleBytes).padStart(9)}  ${String(v.addedBytes).padStart(8)}  ${v.coldMs.toFixed(1).padStart(8)}  ${v.coldRatio.toFixed(2).padStart(6)}`,
    );
  }
  console.log(`node -e '' cold: ${results.nodeEmptyColdMs} ms`);
  console.log('');
  console.log(`logger       ${LINES_PER_STRETCH.map((n) => `µs/line (${n} a stretch)`).join('  ')}   bundle B`);
  for (const [name, l] of Object.entries(loggers)) {
    const figures = LINES_PER_STRETCH.map((n) => l.usPerLineByLinesPerStretch[n].toFixed(3).padStart(21)).join('  ');
    console.log(`${name.padEnd(12)} ${figures}  ${String(l.bundleBytes).padStart(9)}`);
  }
  console.log('');
  console.log(`yubl against the targets: warm ${results.yublMeetsTargets.warm ? 'met' : 'MISSED'}, bytes ${results.yublMeetsTargets.bytes ? 'met' : 'MISSED'}, cold ${results.yublMeetsTargets.cold ? 'met' : 'MISSED'}`);
  console.log('');
  return results;
}

async function main() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'yubl-bench-'));
  const bundles = {};
  for (const variant of [...VARIANTS, ...LOGGERS.map((kind) => `logger-${kind}`)]) {
    bundles[variant] = await bundle(variant, outdir);
  }
  const results = { date: new Date().toISOString(), cpus: os.cpus().length, stdout: '/dev/null', runs: {} };
  for (const [name, bin] of NODES) {
    nodeBin = bin;
    results.runs[name] = measure(bundles);
  }
  const out = path.join(__dirname, 'results', 'wrapper.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${path.relative(process.cwd(), out)}`);
  fs.rmSync(outdir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
