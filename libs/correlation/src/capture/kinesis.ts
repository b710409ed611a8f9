import type { Context, KinesisStreamRecord } from 'aws-lambda';
import type { CorrelationContext } from '../context';
import type { CorrelationSettings } from '../settings';
import { buildContext } from './build';

export const CONTEXT_FIELD = '__context__';

/** A Kinesis record's data, decoded: the envelope without `__context__`, and the ids that rode in it. */
export interface DecodedRecord {
  data: unknown;
  carried: Record<string, unknown> | undefined;
}

/** Decodes a record's base64 JSON data and takes `__context__` out of it. Throws if it is not JSON. */
export function decodeKinesisData(record: KinesisStreamRecord): DecodedRecord {
  const data: unknown = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !(CONTEXT_FIELD in data)) return { data, carried: undefined };
  const { [CONTEXT_FIELD]: carried, ...rest } = data as Record<string, unknown>;
  return { data: rest, carried: carried as Record<string, unknown> | undefined };
}

/** The context of one Kinesis record: ids from its `__context__`; without one, the Lambda request id. */
export function fromKinesisRecord(carried: Record<string, unknown> | undefined, context: Partial<Context>, settings: CorrelationSettings): CorrelationContext {
  return buildContext(carried, '', context, settings);
}
