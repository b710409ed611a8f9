import type { Context } from 'aws-lambda';
import type { CorrelationContext } from '../context';
import type { CorrelationSettings } from '../settings';
import { buildContext } from './build';
import { splitContext } from '../context-field';

/** A direct invocation (Lambda Invoke, a schedule, a test): ids from the event's `__context__`. */
export function fromDirectInvocation(event: unknown, context: Partial<Context>, settings: CorrelationSettings): CorrelationContext {
  return buildContext(splitContext(event).carried, '', context, settings);
}
