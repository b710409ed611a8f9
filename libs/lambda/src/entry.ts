import type { Context } from 'aws-lambda';
import { runWithContext, settingsFromEnv, type CorrelationContext, type CorrelationSettings } from '@yubl/correlation';
import { createTimeoutWatch } from './timeout-warning';
import { isWarmup, WARMED } from './warmup';

export interface EntryOptions {
  /** warn this long before the timeout (default 500 ms) */
  timeoutWarningMs?: number;
}

type Capture<E> = (event: E, context: Context, settings: CorrelationSettings) => CorrelationContext;

/**
 * What every wrapped function does on every invocation, in order, at the least cost:
 * 1. a warm-up ping is answered at once: nothing logs, nothing counts;
 * 2. callbackWaitsForEmptyEventLoop = false: an open socket must not hold the invocation to its timeout;
 * 3. the correlation context is captured from the event and held for this invocation only;
 * 4. a warning is logged shortly before the timeout;
 * then `core` handles the event.
 */
export function lambdaEntry<E, R>(
  core: (event: E, context: Context) => Promise<R>,
  capture: Capture<E>,
  summary: (event: E) => Record<string, unknown>,
  { timeoutWarningMs = 500 }: EntryOptions = {},
): (event: E, context: Context) => Promise<R> {
  const settings = settingsFromEnv();
  const watch = createTimeoutWatch(timeoutWarningMs);

  // Plain promise chaining rather than async/await: while a correlation context is active every
  // promise costs a hook, and this path runs on every invocation.
  function run(correlation: CorrelationContext, event: E, context: Context): Promise<R> {
    watch.start(context, correlation, () => summary(event));
    let pending: Promise<R>;
    try {
      pending = core(event, context);
    } catch (error) {
      watch.stop();
      return Promise.reject(error);
    }
    pending.then(watch.stop, watch.stop);
    return pending;
  }

  return (event: E, context: Context) => {
    if (isWarmup(event)) return Promise.resolve(WARMED as R);
    context.callbackWaitsForEmptyEventLoop = false;
    const correlation = capture(event, context, settings);
    return runWithContext(correlation, run, correlation, event, context);
  };
}
