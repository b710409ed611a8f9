import { createHmac, timingSafeEqual } from 'node:crypto';

// The loop guard counts the system's own hops (docs/design.md "The loop guard"). An HTTP request
// may come from an app client, which must not move the count; so a hop over HTTP proves it was
// made by the system: `call-chain-proof` is an HMAC-SHA256, under the stage's CALL_CHAIN_KEY, of
// the chain length and the correlation id it travels with. Kinesis, SNS, EventBridge and direct
// invocations need no proof: only the system's own roles can put records, publish or invoke.

/** The header that proves an HTTP request's `call-chain-length` was set by one of our functions. */
export const CALL_CHAIN_PROOF = 'call-chain-proof';

const mac = (key: string, length: number, correlationId: string) =>
  createHmac('sha256', key).update(`call-chain-length\n${length}\n${correlationId}`, 'utf8').digest();

/** The proof for a hop of `length` in the call chain `correlationId`. */
export const proveChain = (key: string, length: number, correlationId: string): string => mac(key, length, correlationId).toString('base64url');

/** Whether `proof` is the one `proveChain` makes for these values under `key` (no key: nothing is proven). */
export function isProvenChain(key: string | undefined, length: number, correlationId: string, proof: string | undefined): boolean {
  if (!key || !proof) return false;
  const given = Buffer.from(proof, 'base64url');
  const expected = mac(key, length, correlationId);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
