import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { buildContext, decodeKinesisData, fromKinesisRecord, runWithContext, settingsFromEnv } from '@yubl/correlation';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { lambdaEntry, type EntryOptions } from './entry';
import { forwardEvent } from './forwarding/forward';

export interface KinesisRecordInfo {
  partitionKey: string;
  sequenceNumber: string;
  /** seconds since the epoch, as Kinesis gives it */
  approximateArrivalTimestamp: number;
}

type Outcome = 'done' | 'failed' | 'skipped' | 'poison';

/**
 * Handles every record of a batch, each in its own correlation context (ids from its
 * `__context__`, stripped before `handler` sees the data):
 * - records of one partition key one after another, in order; different keys side by side;
 * - when a record fails, the later records of its key are not handled in this invocation;
 * - a record that cannot be decoded (not JSON) is logged and reported, but does not hold back its
 *   key: retrying cannot fix it, so once the mapping gives up it goes to the on-failure
 *   destination, and the records behind it have been handled;
 * - the answer reports every record from the first one not handled on, which is how Lambda reads
 *   it for Kinesis (it checkpoints before the lowest reported sequence number).
 */
export function kinesisHandler(handler: (data: unknown, record: KinesisRecordInfo) => Promise<void>, options: EntryOptions = {}) {
  const settings = settingsFromEnv();

  async function handleKey(records: KinesisStreamRecord[], indexes: number[], outcomes: Outcome[], context: Context) {
    let blocked = false;
    for (const index of indexes) {
      const record = records[index]!;
      if (blocked) {
        // Stryker disable next-line StringLiteral: only 'done', 'failed' and 'poison' are ever compared against
        outcomes[index] = 'skipped';
        continue;
      }
      let decoded;
      try {
        decoded = decodeKinesisData(record);
      } catch {
        runWithContext(buildContext(undefined, '', context, settings), () =>
          log.error('a record that is not JSON was reported as failed; it will go to the on-failure destination', {
            sequenceNumber: record.kinesis.sequenceNumber,
            partitionKey: record.kinesis.partitionKey,
          }),
        );
        outcomes[index] = 'poison';
        continue;
      }
      const info: KinesisRecordInfo = {
        partitionKey: record.kinesis.partitionKey,
        sequenceNumber: record.kinesis.sequenceNumber,
        approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
      };
      try {
        await runWithContext(fromKinesisRecord(decoded.carried, context, settings), async () => {
          try {
            await handler(decoded.data, info);
          } catch (error) {
            log.error('the record failed; it and the later records of its partition key will be retried', { sequenceNumber: info.sequenceNumber, error });
            throw error;
          }
        });
        outcomes[index] = 'done';
      } catch {
        outcomes[index] = 'failed';
        blocked = true;
      }
    }
  }

  async function core(event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> {
    const records = event.Records ?? [];
    // Stryker disable next-line ArrayDeclaration: every index is assigned before it is read; the length only presizes
    const outcomes: Outcome[] = new Array(records.length);
    const byKey = new Map<string, number[]>();
    records.forEach((record, index) => {
      // Stryker disable next-line OptionalChaining,StringLiteral: a record without `kinesis` is never delivered by Lambda, and would fail on decoding anyway
      const key = record.kinesis?.partitionKey ?? '';
      const indexes = byKey.get(key);
      if (indexes) indexes.push(index);
      else byKey.set(key, [index]);
    });
    await Promise.all([...byKey.values()].map((indexes) => handleKey(records, indexes, outcomes, context)));
    const first = outcomes.findIndex((outcome) => outcome !== 'done');
    if (first < 0) return { batchItemFailures: [] };
    count('kinesis.records.failed', outcomes.filter((o) => o === 'failed' || o === 'poison').length);
    return { batchItemFailures: records.slice(first).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })) };
  }

  // The invocation's own context (for lines about the batch) is the Lambda request's.
  return lambdaEntry(
    {
      core,
      capture: (_event, context, s) => buildContext(undefined, '', context, s),
      forward: forwardEvent as (target: string, event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>,
      // Stryker disable next-line OptionalChaining: an event without records is answered before any timeout warning
      summary: (event) => ({ records: event.Records?.length ?? 0, eventSourceARN: event.Records?.[0]?.eventSourceARN }),
    },
    options,
  );
}
