'use strict';

// Redrive: delivers a failure queue's records to their function again (`./build.sh redrive --stage S
// --queue NAME`, through scripts/ops-cli.js; docs/api.md "Failure queues"). A queue holds what
// Lambda wrote to an on-failure destination:
//   - an asynchronous invocation that used up its retries: the record carries the original event
//     (`requestPayload`) and the function (`requestContext.functionArn`): the event is invoked again;
//   - a Kinesis batch given up on: the record carries the shard and the sequence-number range
//     (`KinesisBatchInfo`), not the records: they are read from the stream again and the function
//     is invoked with a Kinesis batch of them, as the event-source mapping would have.
// Each redelivery is a synchronous invocation, so its outcome is known; a message is deleted only
// after its redelivery succeeded (a Kinesis batch: no error and no batchItemFailures). A message
// whose redelivery fails, whose records the stream no longer holds, or that is no Lambda record,
// stays in the queue (hidden for the visibility timeout, so one run sees it once) and is counted.
// The same SDK code runs on AWS (the stage's profile) and on the local cloud (its endpoints).

const { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand } = require('@aws-sdk/client-sqs');
const { GetRecordsCommand, GetShardIteratorCommand } = require('@aws-sdk/client-kinesis');
const { InvokeCommand } = require('@aws-sdk/client-lambda');
// The Kinesis batch Lambda hands a function: the one builder, which the local cloud's mapping uses too.
const { kinesisEvent } = require('@yubl/lambda-events');

// Long enough for the slowest function (15 minutes at most on Lambda) to answer a redelivery
// before the message shows again in the queue.
const VISIBILITY_TIMEOUT_SECONDS = 900;

/** What a failure-queue message asks for: `async`, `kinesis`, or `unknown` (left alone). */
function classify(record) {
  if (record && typeof record === 'object') {
    if (record.KinesisBatchInfo && typeof record.KinesisBatchInfo.shardId === 'string' && typeof record.requestContext?.functionArn === 'string') return 'kinesis';
    if ('requestPayload' in record && typeof record.requestContext?.functionArn === 'string') return 'async';
  }
  return 'unknown';
}

/** The function an invocation record names, without a version qualifier (`…:function:name:$LATEST`). */
function functionOf(functionArn) {
  const parts = functionArn.split(':');
  return parts.length > 7 ? parts.slice(0, 7).join(':') : functionArn;
}

/** True when `sequence` lies within [start, end]: sequence numbers are decimal strings, compared as numbers. */
const withinRange = (sequence, start, end) => BigInt(sequence) >= BigInt(start) && BigInt(sequence) <= BigInt(end);

/** Reads the batch's records (its shard, from its first sequence number through its last) off the stream. */
async function batchRecords(kinesis, info) {
  const streamName = info.streamArn.split(':stream/')[1];
  let { ShardIterator: iterator } = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: streamName, ShardId: info.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: info.startSequenceNumber }),
  );
  const records = [];
  while (iterator) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
    for (const record of page.Records ?? []) {
      if (BigInt(record.SequenceNumber) > BigInt(info.endSequenceNumber)) return records;
      if (withinRange(record.SequenceNumber, info.startSequenceNumber, info.endSequenceNumber)) records.push(record);
    }
    if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
    iterator = page.NextShardIterator;
  }
  return records;
}

/** The function's answer read as Lambda reads it: an error, or a batch with failed items, is a failure. */
function invocationFailure(answer, { batch }) {
  const text = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
  if (answer.FunctionError) {
    let message = text;
    try {
      message = JSON.parse(text).errorMessage ?? text;
    } catch {
      // not JSON: the text as it is
    }
    return `${answer.FunctionError}: ${message}`;
  }
  if (batch && text) {
    try {
      const failures = JSON.parse(text)?.batchItemFailures;
      if (Array.isArray(failures) && failures.length > 0) return `${failures.length} record(s) failed again`;
    } catch {
      // an answer with no batchItemFailures is success
    }
  }
  return undefined;
}

async function invoke(lambda, functionArn, event, options) {
  const answer = await lambda.send(new InvokeCommand({ FunctionName: functionOf(functionArn), InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }));
  return invocationFailure(answer, options);
}

/**
 * Redelivers every message of the queue named `queueName` once; returns the counts
 * { redelivered, failed, recordsGone, unrecognised, left }: `left` is what stays in the queue.
 * `log(line)` gets a line per message that stays.
 */
async function redrive({ sqs, lambda, kinesis, queueName, region, log = () => {} }) {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const counts = { redelivered: 0, async: 0, kinesisBatches: 0, kinesisRecords: 0, failed: 0, recordsGone: 0, unrecognised: 0 };
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS }));
    if (Messages.length === 0) break;
    for (const message of Messages) {
      let record;
      try {
        record = JSON.parse(message.Body);
      } catch {
        record = undefined;
      }
      const kind = classify(record);
      let failure;
      if (kind === 'unknown') {
        counts.unrecognised += 1;
        log(`message ${message.MessageId}: not a Lambda on-failure record; left in the queue`);
        continue;
      }
      if (kind === 'async') {
        failure = await invoke(lambda, record.requestContext.functionArn, record.requestPayload, { batch: false }).catch((error) => `${error.name}: ${error.message}`);
      } else {
        const info = record.KinesisBatchInfo;
        const records = await batchRecords(kinesis, info).catch((error) => error);
        if (records instanceof Error || records.length < (info.batchSize ?? 1)) {
          counts.recordsGone += 1;
          log(`message ${message.MessageId}: ${info.shardId} ${info.startSequenceNumber}..${info.endSequenceNumber}: ${records instanceof Error ? records.message : `${records.length} of ${info.batchSize} record(s)`} still on the stream; left in the queue`);
          continue;
        }
        failure = await invoke(lambda, record.requestContext.functionArn, kinesisEvent(
            records.map((r) => ({
              partitionKey: r.PartitionKey,
              sequenceNumber: r.SequenceNumber,
              data: r.Data,
              approximateArrivalTimestamp: new Date(r.ApproximateArrivalTimestamp).getTime() / 1000,
              shardId: info.shardId,
              streamArn: info.streamArn,
              region,
              roleArn: undefined, // the mapping's role: not in the on-failure record
            })),
          ), { batch: true }).catch((error) => `${error.name}: ${error.message}`);
        if (!failure) counts.kinesisRecords += records.length;
      }
      if (failure) {
        counts.failed += 1;
        log(`message ${message.MessageId}: redelivery to ${functionOf(record.requestContext.functionArn)} failed (${failure}); left in the queue`);
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      counts.redelivered += 1;
      counts[kind === 'async' ? 'async' : 'kinesisBatches'] += 1;
    }
  }
  return { ...counts, left: counts.failed + counts.recordsGone + counts.unrecognised };
}

module.exports = { redrive, classify, functionOf, withinRange, invocationFailure };
