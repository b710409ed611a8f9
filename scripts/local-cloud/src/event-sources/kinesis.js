// @ts-check
'use strict';

// A Kinesis event-source mapping as Lambda runs one: a poller per shard, one batch in flight per
// shard (so order holds within a partition key), and the function's settings honoured:
//   batchSize, startingPosition (LATEST | TRIM_HORIZON | AT_TIMESTAMP),
//   functionResponseType: ReportBatchItemFailures — the checkpoint moves to just before the first
//     reported record and the retry starts there; records before it are never delivered again;
//   bisectBatchOnFunctionError — a batch whose invocation fails is split in halves, each retried;
//   maximumRetryAttempts (-1: until the record expires) and maximumRecordAgeInSeconds;
//   destinations.onFailure — gets Lambda's invocation record (shard, sequence-number range) for a
//     batch given up on, and the shard moves on.
// kinesalite takes stream names, not ARNs, so the poller uses names.
// One simplification: a retry re-sends the rest of the failed batch rather than re-reading up to
// batchSize records from the failed one; the sequence of deliveries per record is the same.
// The retry count restarts when a retry makes progress (its first failure is further on).

const crypto = require('node:crypto');
const { kinesisEvent } = require('@yubl/lambda-events');
const { failureText, messageOf, notInvoked } = require('../lambda-invoker');
const { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } = require('@aws-sdk/client-kinesis');

const IDLE_POLL_MS = 250; // AWS polls an idle shard about once a second; faster here keeps tests quick
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2_000;
const NOT_INVOKED_RETRY_MS = 1_000;

/**
 * A record as GetRecords returns it: the SDK's type makes every field optional, Kinesis sets these.
 * @typedef {{ SequenceNumber: string, Data: Uint8Array, PartitionKey: string, ApproximateArrivalTimestamp: Date }} KinesisRecord
 */

/**
 * A function's `stream` event, as Lambda's event-source mapping reads it (kinesisMappingFrom).
 * @typedef {object} KinesisMapping
 * @property {string} streamArn
 * @property {string} streamName
 * @property {number} batchSize
 * @property {'LATEST' | 'TRIM_HORIZON' | 'AT_TIMESTAMP'} startingPosition
 * @property {number} [startingPositionTimestamp] seconds, for AT_TIMESTAMP
 * @property {boolean} reportBatchItemFailures
 * @property {boolean} bisectBatchOnFunctionError
 * @property {number} maximumRetryAttempts -1: until the record expires
 * @property {number} maximumRecordAgeInSeconds -1: never
 * @property {string} [onFailure] the on-failure destination's ARN
 * @property {boolean} enabled
 * @property {string} region
 * @property {string} roleArn
 */

/**
 * The batch Lambda hands the function, built from the records GetRecords read.
 * @param {KinesisMapping} mapping
 * @param {string} shardId
 * @param {KinesisRecord[]} records
 */
const toEvent = (mapping, shardId, records) =>
  kinesisEvent(
    records.map((record) => ({
      partitionKey: record.PartitionKey,
      sequenceNumber: record.SequenceNumber,
      data: record.Data,
      approximateArrivalTimestamp: record.ApproximateArrivalTimestamp.getTime() / 1000,
      shardId,
      streamArn: mapping.streamArn,
      region: mapping.region,
      roleArn: mapping.roleArn,
    })),
  );

/**
 * Reads the function's answer the way Lambda does: no batchItemFailures (or an empty list) is
 * success; a list names the failed records; an answer Lambda cannot read fails the whole batch.
 * Returns the index of the first failed record in `records`, -1 for none.
 * @param {{ SequenceNumber: string }[]} records
 * @param {unknown} payload
 * @returns {number}
 */
function firstFailure(records, payload) {
  /** @type {unknown} */
  const failures = payload && typeof payload === 'object' && 'batchItemFailures' in payload ? payload.batchItemFailures : undefined;
  if (failures == null || (Array.isArray(failures) && failures.length === 0)) return -1;
  if (!Array.isArray(failures)) return 0;
  let first = records.length;
  for (const failure of failures) {
    const identifier = failure !== null && typeof failure === 'object' && 'itemIdentifier' in failure ? failure.itemIdentifier : undefined;
    const index = records.findIndex((r) => r.SequenceNumber === identifier);
    if (index < 0) return 0; // an identifier that names no record of the batch fails the batch
    first = Math.min(first, index);
  }
  return first;
}

/**
 * Starts polling every shard of the mapping's stream; `stop` ends the pollers once each has
 * finished the batch it holds.
 * @param {object} options
 * @param {Pick<import('@aws-sdk/client-kinesis').KinesisClient, 'send'>} options.kinesis
 * @param {Pick<import('../lambda-invoker').LocalFunction, 'key' | 'arn'>} options.fn
 * @param {KinesisMapping} options.mapping
 * @param {{ invokeSync(fn: any, event: import('aws-lambda').KinesisStreamEvent): Promise<import('../lambda-invoker').InvokeResult>, sendToDestination(arn: string, record: object): Promise<void> }} options.invoker
 *   (fn is the function given above, passed through)
 * @param {(line: string) => void} options.log
 */
function startKinesisMapping({ kinesis, fn, mapping, invoker, log }) {
  let stopped = false;
  /** @type {Set<() => void>} */
  const sleeps = new Set();
  /** @param {number} ms */
  const sleep = (ms) =>
    /** @type {Promise<void>} */ (new Promise((resolve) => {
      const timer = setTimeout(() => {
        sleeps.delete(wake);
        resolve();
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      sleeps.add(wake);
    }));

  /** @param {KinesisRecord[]} records a batch, never empty */
  const expired = (records) =>
    mapping.maximumRecordAgeInSeconds > 0 && Date.now() - (records[0]?.ApproximateArrivalTimestamp.getTime() ?? Date.now()) > mapping.maximumRecordAgeInSeconds * 1000;

  /**
   * @param {string} shardId
   * @param {KinesisRecord[]} records
   * @param {'RecordAgeExceeded' | 'RetryAttemptsExhausted'} condition
   * @param {number} invokeCount
   * @param {import('../lambda-invoker').InvokeResult} result
   */
  async function giveUp(shardId, records, condition, invokeCount, result) {
    const first = /** @type {KinesisRecord} */ (records[0]);
    const last = /** @type {KinesisRecord} */ (records.at(-1));
    const info = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: crypto.randomUUID(), functionArn: fn.arn, condition, approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: result.ok ? undefined : result.functionError },
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: first.SequenceNumber,
        endSequenceNumber: last.SequenceNumber,
        approximateArrivalOfFirstRecord: first.ApproximateArrivalTimestamp.toISOString(),
        approximateArrivalOfLastRecord: last.ApproximateArrivalTimestamp.toISOString(),
        batchSize: records.length,
        streamArn: mapping.streamArn,
      },
    };
    if (mapping.onFailure) {
      await invoker.sendToDestination(mapping.onFailure, info);
      log(`${fn.key}: ${condition} for ${records.length} record(s) of ${shardId} from ${first.SequenceNumber}; sent to ${mapping.onFailure}`);
    } else {
      log(`${fn.key}: ${condition} for ${records.length} record(s) of ${shardId} from ${first.SequenceNumber}; skipped (no on-failure destination)`);
    }
  }

  /**
   * Delivers `records` until all are processed or given up on.
   * @param {string} shardId
   * @param {KinesisRecord[]} records
   * @returns {Promise<void>}
   */
  async function deliver(shardId, records) {
    let batch = records;
    let retries = 0;
    let invokeCount = 0;
    while (batch.length > 0 && !stopped) {
      /** @type {import('../lambda-invoker').InvokeResult} */
      let result;
      try {
        result = await invoker.invokeSync(fn, toEvent(mapping, shardId, batch));
      } catch (error) {
        if (notInvoked(error)) {
          // Lambda could not invoke the function (its process is down or restarting): retried
          // until the records are too old, with no attempt counted and no bisection.
          if (expired(batch)) {
            await giveUp(shardId, batch, 'RecordAgeExceeded', invokeCount, { ok: false, functionError: 'ServiceException', payload: { errorMessage: messageOf(error) } });
            return;
          }
          await sleep(NOT_INVOKED_RETRY_MS);
          continue;
        }
        result = { ok: false, functionError: 'ServiceException', payload: { errorMessage: messageOf(error) } };
      }
      invokeCount += 1;
      let failedFrom = 0;
      if (result.ok) {
        failedFrom = mapping.reportBatchItemFailures ? firstFailure(batch, result.payload) : -1;
        if (failedFrom < 0) return;
      } else {
        log(`${fn.key}: batch of ${batch.length} from ${shardId} failed: ${failureText(result)}`);
        if (mapping.bisectBatchOnFunctionError && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          await deliver(shardId, batch.slice(0, half));
          await deliver(shardId, batch.slice(half));
          return;
        }
      }
      if (failedFrom > 0) {
        batch = batch.slice(failedFrom); // the checkpoint moves past the records that succeeded
        retries = 0;
      }
      if ((mapping.maximumRetryAttempts >= 0 && retries >= mapping.maximumRetryAttempts) || expired(batch)) {
        await giveUp(shardId, batch, expired(batch) ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted', invokeCount, result);
        return;
      }
      retries += 1;
      await sleep(Math.min(RETRY_BASE_MS * 2 ** (retries - 1), RETRY_MAX_MS));
    }
  }

  /**
   * An iterator at the mapping's starting position, or just after the last record delivered.
   * @param {string} shardId
   * @param {string | undefined} checkpoint
   */
  async function iteratorFor(shardId, checkpoint) {
    /** @type {import('@aws-sdk/client-kinesis').GetShardIteratorCommandInput} */
    const input = checkpoint
      ? { StreamName: mapping.streamName, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }
      : { StreamName: mapping.streamName, ShardId: shardId, ShardIteratorType: mapping.startingPosition };
    if (!checkpoint && mapping.startingPosition === 'AT_TIMESTAMP') input.Timestamp = new Date((mapping.startingPositionTimestamp ?? 0) * 1000);
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand(input));
    return ShardIterator;
  }

  /** @param {string} shardId */
  async function pollShard(shardId) {
    // The sequence number of the last record delivered (given up on included): when an iterator
    // expires (Kinesis keeps one five minutes: a stream paused longer, say) or Kinesis cannot be
    // reached, reading starts again just after it, as Lambda resumes from its checkpoint.
    /** @type {string | undefined} */
    let checkpoint;
    /** @type {string | null | undefined} undefined: to be asked for; null: the shard is closed */
    let iterator;
    while (!stopped) {
      try {
        if (iterator === undefined) iterator = await iteratorFor(shardId, checkpoint);
        if (!iterator) return; // a closed shard, read to its end (Kinesis answers no next iterator)
        const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: mapping.batchSize }));
        iterator = page.NextShardIterator ?? null;
        const records = /** @type {KinesisRecord[]} */ (page.Records ?? []);
        const last = records.at(-1);
        if (!last) {
          if (iterator) await sleep(IDLE_POLL_MS);
          continue;
        }
        await deliver(shardId, records);
        checkpoint = last.SequenceNumber;
      } catch (error) {
        if (stopped) return;
        log(`${fn.key}: reading ${shardId} failed, reading again after ${checkpoint ?? mapping.startingPosition}: ${error instanceof Error ? `${error.name}: ${error.message}` : error}`);
        iterator = undefined;
        await sleep(1_000);
      }
    }
  }

  const running = (async () => {
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: mapping.streamName }));
    await Promise.all((Shards ?? []).map((shard) => pollShard(/** @type {string} */ (shard.ShardId))));
  })().catch((error) => {
    if (!stopped) log(`${fn.key}: the Kinesis poller for ${mapping.streamArn} stopped: ${error instanceof Error ? error.stack : error}`);
  });

  return {
    async stop() {
      stopped = true;
      for (const wake of sleeps) wake();
      await running;
    },
  };
}

/**
 * A function's `stream` event in serverless.yml (the Kinesis settings this mapping honours).
 * @typedef {object} StreamEvent
 * @property {unknown} arn an ARN or an intrinsic (Fn::GetAtt, Fn::ImportValue) that renders to one
 * @property {number} [batchSize]
 * @property {KinesisMapping['startingPosition']} [startingPosition]
 * @property {number} [startingPositionTimestamp]
 * @property {string} [functionResponseType]
 * @property {boolean} [bisectBatchOnFunctionError]
 * @property {number} [maximumRetryAttempts]
 * @property {number} [maximumRecordAgeInSeconds]
 * @property {{ onFailure?: unknown }} [destinations] an ARN, an intrinsic, or `{ arn, type }`
 * @property {boolean} [enabled]
 */

/**
 * Reads a function's `stream` event into the mapping's settings, with AWS's defaults.
 * @param {StreamEvent} stream
 * @param {{ render: (value: unknown) => unknown, region: string, accountId: string }} context `render` resolves intrinsics
 * @returns {KinesisMapping}
 */
function kinesisMappingFrom(stream, { render, region, accountId }) {
  const onFailure = stream.destinations?.onFailure;
  const streamArn = String(render(stream.arn));
  return {
    streamArn,
    // kinesalite knows streams by name only
    streamName: streamArn.split(':stream/')[1] ?? streamArn,
    batchSize: stream.batchSize ?? 100,
    startingPosition: stream.startingPosition ?? 'TRIM_HORIZON',
    startingPositionTimestamp: stream.startingPositionTimestamp,
    reportBatchItemFailures: stream.functionResponseType === 'ReportBatchItemFailures',
    bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError === true,
    maximumRetryAttempts: stream.maximumRetryAttempts ?? -1,
    maximumRecordAgeInSeconds: stream.maximumRecordAgeInSeconds ?? -1,
    onFailure: onFailure ? String(render(typeof onFailure === 'object' && 'arn' in onFailure ? onFailure.arn : onFailure)) : undefined,
    enabled: stream.enabled !== false,
    region,
    roleArn: `arn:aws:iam::${accountId}:role/local-cloud`,
  };
}

module.exports = { startKinesisMapping, kinesisMappingFrom, firstFailure };
