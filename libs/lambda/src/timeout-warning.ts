import type { Context } from 'aws-lambda';
import { log } from '@yubl/logger';

/**
 * Logs a warning `marginMs` before the function times out, so a timeout in the logs comes with the
 * correlation ids and a summary of what was being handled (never the raw event: the logger masks
 * the summary too). The timer never keeps the event loop alive.
 */
export function startTimeoutWarning(context: Partial<Context>, summary: () => Record<string, unknown>, marginMs: number): NodeJS.Timeout | undefined {
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  if (remaining === undefined || remaining <= marginMs) return undefined;
  const timer = setTimeout(() => log.warn('the function is about to time out', { remainingMs: marginMs, ...summary() }), remaining - marginMs);
  timer.unref();
  return timer;
}
