import type { Context, KinesisStreamRecord } from 'aws-lambda';
import type { CorrelationContext } from '../context';
import type { CorrelationSettings } from '../settings';
import { splitContext, type SplitPayload } from '../context-field';
import { buildContext } from './build';

/** A Kinesis record's data, decoded: the envelope without `__context__`, and the ids that rode in it. */
export type DecodedRecord = SplitPayload;

/** Decodes a record's base64 JSON data and takes `__context__` out of it. Throws if it is not JSON. */
export function decodeKinesisData(record: KinesisStreamRecord): DecodedRecord {
  return splitContext(JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')));
}

/** The context of one Kinesis record: ids from its `__context__`; without one, the Lambda request id. */
export function fromKinesisRecord(carried: Record<string, unknown> | undefined, context: Partial<Context>, settings: CorrelationSettings): CorrelationContext {
  return buildContext(carried, '', context, settings);
}
