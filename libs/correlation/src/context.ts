import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one invocation (or one record of a batch) knows about the call chain it belongs to.
 * Held in AsyncLocalStorage for the duration of that invocation or record: never global.
 */
export interface CorrelationContext {
  /** every `x-correlation-*` value, plus `user-agent` when the request had one */
  readonly ids: Readonly<Record<string, string>>;
  /** debug logging for this whole call chain, decided once at its start */
  readonly debugEnabled: boolean;
  /** how many functions this call chain has passed through, this one included */
  readonly callChainLength: number;
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  /** per-context memo for consumers (the logger keeps its serialized fields here) */
  readonly memo: Record<string, unknown>;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** The context of the invocation or record being handled, if any. */
export const currentContext = (): CorrelationContext | undefined => storage.getStore();

/** Runs `fn` with `context` as the current correlation context. */
export function runWithContext<A extends unknown[], R>(context: CorrelationContext, fn: (...args: A) => R, ...args: A): R {
  return storage.run(context, fn, ...args);
}
