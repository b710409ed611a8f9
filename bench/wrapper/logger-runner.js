'use strict';

// Writes `lines` log lines through one bundled logger (stdout is /dev/null); µs per line to stderr.
const { write } = require(process.argv[2]);
const lines = Number(process.argv[3]);

for (let i = 0; i < 10_000; i += 1) write(i);
const started = process.hrtime.bigint();
for (let i = 0; i < lines; i += 1) write(i);
process.stderr.write(JSON.stringify({ usPerLine: Number(process.hrtime.bigint() - started) / 1000 / lines }));
