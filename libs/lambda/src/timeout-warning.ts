import type { Context } from 'aws-lambda';
import { runWithContext, type CorrelationContext } from '@yubl/correlation';
import { log } from '@yubl/logger';

/**
 * Logs a warning `marginMs` before an invocation times out, with that invocation's correlation ids
 * and `summary` of the event it was handling (never the raw event; the logger masks the summary too).
 *
 * One timer per handler, re-armed with refresh() at each invocation instead of a setTimeout and a
 * clearTimeout per invocation (measured: about 1 µs saved per invocation, bench/). A Lambda
 * instance runs one invocation at a time, so the timer watches whichever invocation is current;
 * starting one stores two references and allocates nothing. The timer never keeps the event loop alive.
 */
export function createTimeoutWatch<E>(marginMs: number, summary: (event: E) => Record<string, unknown>) {
  let timer: NodeJS.Timeout | undefined;
  // Stryker disable next-line UnaryOperator: never read before the first timer sets it
  let delay = -1;
  let watchedCorrelation: CorrelationContext | undefined;
  let watchedEvent: E | undefined;

  const fire = () => {
    const correlation = watchedCorrelation;
    if (!correlation) return;
    const event = watchedEvent as E;
    runWithContext(correlation, () => log.warn('the function is about to time out', { remainingMs: marginMs, ...summary(event) }));
  };

  return {
    start(context: Partial<Context>, correlation: CorrelationContext, event: E): void {
      const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
      if (remaining <= marginMs) return;
      watchedCorrelation = correlation;
      watchedEvent = event;
      const wanted = remaining - marginMs;
      // Every invocation of a function starts with about the same time left: re-arm the same timer
      // unless the time left differs by more than a few milliseconds.
      if (timer && Math.abs(wanted - delay) <= 5) {
        timer.refresh();
      } else {
        // Stryker disable next-line ConditionalExpression: clearTimeout(undefined) does nothing
        if (timer) clearTimeout(timer);
        delay = wanted;
        timer = setTimeout(fire, wanted);
        timer.unref();
      }
    },
    stop(): void {
      watchedCorrelation = undefined;
      watchedEvent = undefined;
    },
  };
}
