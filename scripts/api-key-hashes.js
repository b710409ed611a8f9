#!/usr/bin/env node
'use strict';

// The one place an API key's SHA-256 is derived. A service that must tell keys apart (the config
// service's admin key) is given API_KEY_<NAME>_SHA256, never the key itself: by build.sh when it
// packages or deploys (run as a command, it prints a shell assignment for every API_KEY_* in its
// environment), and by the local cloud for the keys it generates at every start.

const crypto = require('node:crypto');

const isKeyName = (/** @type {string} */ name) => /^API_KEY_[A-Z0-9_]+$/.test(name) && !name.endsWith('_SHA256');

/**
 * The SHA-256 (hex) of every API_KEY_* in `keys`, as API_KEY_*_SHA256.
 * @param {Record<string, string | undefined>} keys
 * @returns {Record<string, string>}
 */
function keyHashes(keys) {
  return Object.fromEntries(
    Object.entries(keys)
      .filter(/** @returns {entry is [string, string]} */ (entry) => isKeyName(entry[0]) && typeof entry[1] === 'string')
      .map(([name, value]) => [`${name}_SHA256`, crypto.createHash('sha256').update(value).digest('hex')]),
  );
}

module.exports = { keyHashes };

if (require.main === module) {
  // Names match [A-Z0-9_] and values are hex: safe to hand to the shell's eval as they are.
  for (const [name, hash] of Object.entries(keyHashes(process.env))) process.stdout.write(`export ${name}=${hash}\n`);
}
