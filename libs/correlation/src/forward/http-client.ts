// The budget alone: the wrapper must not bring the SDK's HTTP handler into a function that uses no SDK.
import { HTTP_CALL_TIMEOUT_MS } from '@yubl/aws/src/budget';
import { CALL_CHAIN_PROOF, proveChain } from '../chain-proof';
import { CALL_CHAIN_LENGTH, CORRELATION_ID, DEBUG_LOG_ENABLED } from '../capture/build';
import { toHeaderValue } from '../header-value';
import { settingsFromEnv } from '../settings';
import { outgoingContext } from './outgoing';

export interface CorrelatedRequestInit extends RequestInit {
  /** abort the call, connecting included, after this many milliseconds (default @yubl/aws HTTP_CALL_TIMEOUT_MS): a function must never hang on a peer */
  timeoutMs?: number;
}

/**
 * fetch, with the current call chain's ids as headers (percent-encoded UTF-8, header-value.ts) and
 * a timeout. Headers the caller sets win.
 * The chain's length goes with its proof (CALL_CHAIN_KEY), so that the service called counts this
 * hop as the system's own (docs/design.md "The loop guard").
 * Throws CallChainTooLongError, before any network call, when the chain is already too long.
 */
export async function correlatedFetch(input: string | URL, { timeoutMs = HTTP_CALL_TIMEOUT_MS, headers, signal, ...init }: CorrelatedRequestInit = {}): Promise<Response> {
  const carried = outgoingContext();
  const merged = new Headers();
  for (const name in carried) merged.set(name, name === CALL_CHAIN_LENGTH || name === DEBUG_LOG_ENABLED ? carried[name]! : toHeaderValue(carried[name]!));
  const key = settingsFromEnv().callChainKey;
  if (key && carried[CALL_CHAIN_LENGTH]) merged.set(CALL_CHAIN_PROOF, proveChain(key, Number(carried[CALL_CHAIN_LENGTH]), carried[CORRELATION_ID]!));
  // Stryker disable next-line ConditionalExpression: new Headers(undefined) is empty: nothing is merged either way
  if (headers) new Headers(headers).forEach((value, name) => merged.set(name, value));
  const timeout = AbortSignal.timeout(timeoutMs);
  return fetch(input, { ...init, headers: merged, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
}
