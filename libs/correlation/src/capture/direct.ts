import type { Context } from 'aws-lambda';
import type { CorrelationContext } from '../context';
import type { CorrelationSettings } from '../settings';
import { buildContext } from './build';
import { CONTEXT_FIELD } from './kinesis';

/** A direct invocation (Lambda Invoke, a schedule, a test): ids from the event's `__context__`. */
export function fromDirectInvocation(event: unknown, context: Partial<Context>, settings: CorrelationSettings): CorrelationContext {
  const carried = event !== null && typeof event === 'object' ? (event as Record<string, unknown>)[CONTEXT_FIELD] : undefined;
  return buildContext(carried as Record<string, unknown> | undefined, '', context, settings);
}
