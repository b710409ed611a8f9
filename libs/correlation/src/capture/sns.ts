import type { Context, SNSEventRecord } from 'aws-lambda';
import type { CorrelationContext } from '../context';
import type { CorrelationSettings } from '../settings';
import { buildContext } from './build';

/** The context of one SNS record: ids from its String message attributes. */
export function fromSnsRecord(record: SNSEventRecord, context: Partial<Context>, settings: CorrelationSettings): CorrelationContext {
  const attributes = record?.Sns?.MessageAttributes;
  const carried: Record<string, unknown> = {};
  // Stryker disable next-line ConditionalExpression,LogicalOperator: for-in over null, undefined or a primitive finds no attribute with Type String
  if (attributes !== null && typeof attributes === 'object') {
    for (const name in attributes) {
      const attribute = attributes[name];
      if (attribute?.Type === 'String') carried[name] = attribute.Value;
    }
  }
  return buildContext(carried, '', context, settings);
}
