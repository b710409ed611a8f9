import type { Context } from 'aws-lambda';
import { fromDirectInvocation, splitContext } from '@yubl/correlation';
import { lambdaEntry, type EntryOptions } from './entry';
import { forwardEvent } from './forwarding/forward';

/**
 * A directly invoked handler (Lambda Invoke, a schedule, another function): ids from the event's
 * `__context__`, which `handler` never sees.
 */
export function invokeHandler<E = unknown, R = unknown>(handler: (event: E, context: Context) => Promise<R>, options: EntryOptions = {}) {
  const core = (event: E, context: Context) => handler(splitContext(event).data as E, context);
  return lambdaEntry(
    {
      core,
      capture: fromDirectInvocation,
      forward: forwardEvent as (target: string, event: E, context: Context) => Promise<R>,
      summary: (event) => ({ keys: event !== null && typeof event === 'object' ? Object.keys(event).slice(0, 10) : typeof event }),
    },
    options,
  );
}
