import { outgoingContext } from './outgoing';

export interface CorrelatedRequestInit extends RequestInit {
  /** abort the call after this many milliseconds (default 3000): a function must never hang on a peer */
  timeoutMs?: number;
}

/**
 * fetch, with the current call chain's ids as headers and a timeout. Headers the caller sets win.
 * Throws CallChainTooLongError, before any network call, when the chain is already too long.
 */
export async function correlatedFetch(input: string | URL, { timeoutMs = 3000, headers, signal, ...init }: CorrelatedRequestInit = {}): Promise<Response> {
  const merged = new Headers(outgoingContext());
  // Stryker disable next-line ConditionalExpression: new Headers(undefined) is empty: nothing is merged either way
  if (headers) new Headers(headers).forEach((value, name) => merged.set(name, value));
  const timeout = AbortSignal.timeout(timeoutMs);
  return fetch(input, { ...init, headers: merged, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
}
