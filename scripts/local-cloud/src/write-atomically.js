// @ts-check
'use strict';

// One way to write a file another process may be reading: to a temporary name beside it, then a
// rename over it, so that a reader sees the old file or the new, never half of one. The caches and
// the running cloud's state file (which `serve` and `stop`, in processes of their own, read while
// the cloud rewrites it on every change of its children) are written so.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** @param {string} file @param {string | Buffer} data */
function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

module.exports = { writeAtomically };
