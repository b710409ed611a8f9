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
const { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } = require('@aws-sdk/client-kinesis');

const IDLE_POLL_MS = 250; // AWS polls an idle shard about once a second; faster here keeps tests quick
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2_000;

/** The batch Lambda hands the function, built from the records GetRecords read. */
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
 */
function firstFailure(records, payload) {
  const failures = payload && typeof payload === 'object' ? payload.batchItemFailures : undefined;
  if (failures == null || (Array.isArray(failures) && failures.length === 0)) return -1;
  if (!Array.isArray(failures)) return 0;
  let first = records.length;
  for (const failure of failures) {
    const index = records.findIndex((r) => r.SequenceNumber === failure?.itemIdentifier);
    if (index < 0) return 0; // an identifier that names no record of the batch fails the batch
    first = Math.min(first, index);
  }
  return first;
}

function startKinesisMapping({ kinesis, fn, mapping, invoker, log }) {
  let stopped = false;
  const sleeps = new Set();
  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        sleeps.delete(wake);
        resolve();
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      sleeps.add(wake);
    });

  const expired = (records) =>
    mapping.maximumRecordAgeInSeconds > 0 && Date.now() - records[0].ApproximateArrivalTimestamp.getTime() > mapping.maximumRecordAgeInSeconds * 1000;

  async function giveUp(shardId, records, condition, invokeCount, result) {
    const info = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: crypto.randomUUID(), functionArn: fn.arn, condition, approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: result.ok ? undefined : result.functionError },
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: records[0].SequenceNumber,
        endSequenceNumber: records[records.length - 1].SequenceNumber,
        approximateArrivalOfFirstRecord: records[0].ApproximateArrivalTimestamp.toISOString(),
        approximateArrivalOfLastRecord: records[records.length - 1].ApproximateArrivalTimestamp.toISOString(),
        batchSize: records.length,
        streamArn: mapping.streamArn,
      },
    };
    if (mapping.onFailure) {
      await invoker.sendToDestination(mapping.onFailure, info);
      log(`${fn.key}: ${condition} for ${records.length} record(s) of ${shardId} from ${records[0].SequenceNumber}; sent to ${mapping.onFailure}`);
    } else {
      log(`${fn.key}: ${condition} for ${records.length} record(s) of ${shardId} from ${records[0].SequenceNumber}; skipped (no on-failure destination)`);
    }
  }

  /** Delivers `records` until all are processed or given up on. */
  async function deliver(shardId, records) {
    let batch = records;
    let retries = 0;
    let invokeCount = 0;
    while (batch.length > 0 && !stopped) {
      let result;
      try {
        result = await invoker.invokeSync(fn, toEvent(mapping, shardId, batch));
      } catch (error) {
        result = { ok: false, functionError: 'ServiceException', payload: { errorMessage: error.message } };
      }
      invokeCount += 1;
      let failedFrom = 0;
      if (result.ok) {
        failedFrom = mapping.reportBatchItemFailures ? firstFailure(batch, result.payload) : -1;
        if (failedFrom < 0) return;
      } else {
        log(`${fn.key}: batch of ${batch.length} from ${shardId} failed: ${result.payload?.errorMessage ?? result.functionError}`);
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

  /** An iterator at the mapping's starting position, or just after the last record delivered. */
  async function iteratorFor(shardId, checkpoint) {
    const input = checkpoint
      ? { StreamName: mapping.streamName, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }
      : { StreamName: mapping.streamName, ShardId: shardId, ShardIteratorType: mapping.startingPosition };
    if (!checkpoint && mapping.startingPosition === 'AT_TIMESTAMP') input.Timestamp = new Date(mapping.startingPositionTimestamp * 1000);
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand(input));
    return ShardIterator;
  }

  async function pollShard(shardId) {
    // The sequence number of the last record delivered (given up on included): when an iterator
    // expires (Kinesis keeps one five minutes: a stream paused longer, say) or Kinesis cannot be
    // reached, reading starts again just after it, as Lambda resumes from its checkpoint.
    let checkpoint;
    let iterator;
    while (!stopped) {
      try {
        if (iterator === undefined) iterator = await iteratorFor(shardId, checkpoint);
        if (!iterator) return; // a closed shard, read to its end (Kinesis answers no next iterator)
        const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: mapping.batchSize }));
        iterator = page.NextShardIterator ?? null;
        if (page.Records.length === 0) {
          if (iterator) await sleep(IDLE_POLL_MS);
          continue;
        }
        await deliver(shardId, page.Records);
        checkpoint = page.Records.at(-1).SequenceNumber;
      } catch (error) {
        if (stopped) return;
        log(`${fn.key}: reading ${shardId} failed, reading again after ${checkpoint ?? mapping.startingPosition}: ${error.name}: ${error.message}`);
        iterator = undefined;
        await sleep(1_000);
      }
    }
  }

  const running = (async () => {
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: mapping.streamName }));
    await Promise.all(Shards.map((shard) => pollShard(shard.ShardId)));
  })().catch((error) => {
    if (!stopped) log(`${fn.key}: the Kinesis poller for ${mapping.streamArn} stopped: ${error.stack}`);
  });

  return {
    async stop() {
      stopped = true;
      for (const wake of sleeps) wake();
      await running;
    },
  };
}

/** Reads a function's `stream` event into the mapping's settings, with AWS's defaults. */
function kinesisMappingFrom(stream, { render, region, accountId }) {
  const onFailure = stream.destinations?.onFailure;
  const streamArn = render(stream.arn);
  return {
    streamArn,
    // kinesalite knows streams by name only
    streamName: streamArn.split(':stream/')[1],
    batchSize: stream.batchSize ?? 100,
    startingPosition: stream.startingPosition ?? 'TRIM_HORIZON',
    startingPositionTimestamp: stream.startingPositionTimestamp,
    reportBatchItemFailures: stream.functionResponseType === 'ReportBatchItemFailures',
    bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError === true,
    maximumRetryAttempts: stream.maximumRetryAttempts ?? -1,
    maximumRecordAgeInSeconds: stream.maximumRecordAgeInSeconds ?? -1,
    onFailure: onFailure ? render(typeof onFailure === 'string' ? onFailure : onFailure.arn) : undefined,
    enabled: stream.enabled !== false,
    region,
    roleArn: `arn:aws:iam::${accountId}:role/local-cloud`,
  };
}

module.exports = { startKinesisMapping, kinesisMappingFrom, firstFailure };
