'use strict';

// Writes `lines` log lines through one bundled logger (stdout is /dev/null); µs per line to stderr.
// The lines are written in stretches of `perStretch` (as an invocation writes a few lines and then
// waits), and the clock stops only once every line has left the process: ours defers a stretch's
// write to a microtask, so a loop that never yields would time the formatting and not the write.
const { write, flush } = require(process.argv[2]);
const lines = Number(process.argv[3]);
const perStretch = Number(process.argv[4] ?? 1);

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function writeAll(count) {
  for (let i = 0; i < count; i += perStretch) {
    for (let j = i; j < Math.min(i + perStretch, count); j += 1) write(j);
    await nextTurn();
  }
  flush?.();
}

async function main() {
  await writeAll(10_000);
  const started = process.hrtime.bigint();
  await writeAll(lines);
  process.stderr.write(JSON.stringify({ usPerLine: Number(process.hrtime.bigint() - started) / 1000 / lines }));
}

main();
