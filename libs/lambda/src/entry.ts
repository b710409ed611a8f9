import type { Context } from 'aws-lambda';
import { runWithContext, settingsFromEnv, type CorrelationContext, type CorrelationSettings } from '@yubl/correlation';
import { forwardingTarget } from './forwarding/target';
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
export interface EntryParts<E, T, R> {
  /** handles the event */
  core: (event: E, context: Context) => Promise<T>;
  /** takes the correlation context out of the event */
  capture: Capture<E>;
  /** what the timeout warning says about the event (never the event itself) */
  summary: (event: E) => Record<string, unknown>;
  /** turns what `core` returned into the answer (the HTTP wrapper's response mapping) */
  answer?: (result: T) => R;
  /** turns what `core` threw into the answer; without it the invocation fails */
  answerError?: (error: unknown) => R;
  /** hands the event to the service's served instance instead (when a forwarding target is set) */
  forward?: (target: string, event: E, context: Context) => Promise<R>;
}

export function lambdaEntry<E, T, R = T>(
  { core, capture, summary, answer, answerError, forward }: EntryParts<E, T, R>,
  { timeoutWarningMs = 500 }: EntryOptions = {},
): (event: E, context: Context) => Promise<R> {
  const settings = settingsFromEnv();
  const watch = createTimeoutWatch(timeoutWarningMs, summary);

  // One `then` settles the invocation: the timer stops and the answer is made. Plain promise
  // chaining rather than async/await, because while a correlation context is active every promise
  // costs a hook, and this runs on every invocation.
  const settled = (result: T): R => {
    watch.stop();
    return answer ? answer(result) : (result as unknown as R);
  };
  const failed = (error: unknown): R => {
    watch.stop();
    if (answerError) return answerError(error);
    throw error;
  };

  function run(correlation: CorrelationContext, event: E, context: Context): Promise<R> {
    watch.start(context, correlation, event);
    let pending: Promise<T>;
    try {
      pending = core(event, context);
    } catch (error) {
      return new Promise<R>((resolve) => resolve(failed(error)));
    }
    return pending.then(settled, failed);
  }

  // Undefined unless the function is set up to forward (FORWARDING_CONFIG_KEY): then one check a call.
  const forwarding = forward && forwardingTarget();

  function dispatch(correlation: CorrelationContext, event: E, context: Context): Promise<R> {
    const target = forwarding!.url;
    if (target !== undefined) return runWithContext(correlation, forward!, target, event, context);
    return runWithContext(correlation, run, correlation, event, context);
  }

  return (event: E, context: Context) => {
    if (isWarmup(event)) return Promise.resolve(WARMED as R);
    context.callbackWaitsForEmptyEventLoop = false;
    const correlation = capture(event, context, settings);
    if (forwarding !== undefined) {
      // A call waits for a read of the target in progress (the first, or one past the refresh
      // interval) rather than guess where to run.
      const reading = forwarding.current();
      if (reading) return reading.then(() => dispatch(correlation, event, context));
      return dispatch(correlation, event, context);
    }
    return runWithContext(correlation, run, correlation, event, context);
  };
}
