'use strict';

// A request's body as text, for every emulator served here: decoded from gzip or deflate when the
// client compressed it (the SDK gzips CloudWatch's large PutMetricData; the OpenSearch client can
// compress), and refused past `maxBytes`. Each emulator answers a refusal in its own protocol's way.

const zlib = require('node:zlib');

/** Why a body could not be read: `reason` is 'too-large' or 'bad-encoding'. */
class UnreadableBody extends Error {
  /** @param {'too-large' | 'bad-encoding'} reason @param {string} message */
  constructor(reason, message) {
    super(message);
    this.reason = reason;
  }
}

/**
 * The body as text, or as bytes with `raw: true` (a payload that need not be UTF-8).
 * @overload
 * @param {import('node:http').IncomingMessage} request
 * @param {{ maxBytes?: number, raw?: false }} [options]
 * @returns {Promise<string>}
 */
/**
 * @overload
 * @param {import('node:http').IncomingMessage} request
 * @param {{ maxBytes?: number, raw: true }} options
 * @returns {Promise<Buffer>}
 */
/**
 * @param {import('node:http').IncomingMessage} request
 * @param {{ maxBytes?: number, raw?: boolean }} [options]
 * @returns {Promise<string | Buffer>}
 */
function readRequestBody(request, { maxBytes = Infinity, raw: asBytes = false } = {}) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    request.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > maxBytes) reject(new UnreadableBody('too-large', `the request body is over ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
      try {
        const body = encoding.includes('gzip') ? zlib.gunzipSync(raw) : encoding.includes('deflate') ? zlib.inflateSync(raw) : raw;
        resolve(asBytes ? body : body.toString('utf8'));
      } catch (error) {
        reject(new UnreadableBody('bad-encoding', `the request body is not valid ${encoding}: ${/** @type {Error} */ (error).message}`));
      }
    });
    request.on('error', reject);
  });
}

module.exports = { readRequestBody, UnreadableBody };
