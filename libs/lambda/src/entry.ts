import type { Context } from 'aws-lambda';
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import { runWithContext, settingsFromEnv, type CorrelationContext, type CorrelationSettings } from '@yubl/correlation';
import { startTimeoutWarning } from './timeout-warning';
import { isWarmup, WARMED } from './warmup';

export interface EntryOptions {
  /** warn this long before the timeout (default 500 ms) */
  timeoutWarningMs?: number;
}

type Capture<E> = (event: E, context: Context, settings: CorrelationSettings) => CorrelationContext;

export type WrappedHandler<E, R> = ((event: E, context: Context) => Promise<R>) & {
  /** adds middy middlewares to the inner chain, as middy's own `use` */
  use(middleware: MiddlewareObj<E, R> | MiddlewareObj<E, R>[]): WrappedHandler<E, R>;
};

/**
 * What every wrapped function does on every invocation, in order, at the least cost:
 * 1. a warm-up ping is answered at once: nothing logs, nothing counts;
 * 2. callbackWaitsForEmptyEventLoop = false: an open socket must not hold the invocation to its timeout;
 * 3. the correlation context is captured from the event and held for this invocation only;
 * 4. a warning is logged shortly before the timeout;
 * then the middy chain runs (HTTP body parsing, validation, error mapping; yours via `use`).
 */
export function lambdaEntry<E, R>(
  chain: MiddyfiedHandler<E, R>,
  capture: Capture<E>,
  summary: (event: E) => Record<string, unknown>,
  { timeoutWarningMs = 500 }: EntryOptions = {},
): WrappedHandler<E, R> {
  const settings = settingsFromEnv();

  async function run(event: E, context: Context): Promise<R> {
    const timer = startTimeoutWarning(context, () => summary(event), timeoutWarningMs);
    try {
      return await chain(event, context);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  const handler = ((event: E, context: Context) => {
    if (isWarmup(event)) return Promise.resolve(WARMED as R);
    context.callbackWaitsForEmptyEventLoop = false;
    return runWithContext(capture(event, context, settings), run, event, context);
  }) as WrappedHandler<E, R>;
  handler.use = (middleware) => {
    chain.use(middleware);
    return handler;
  };
  return handler;
}

/** A middy chain around `core`, without middy's early-timeout race: the entry warns instead. */
export const chainOf = <E, R>(core: (event: E, context: Context) => Promise<R>) =>
  middy<E, R>(core, { timeoutEarlyInMillis: 0 });
