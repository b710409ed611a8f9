'use strict';

// What CloudWatch Logs does for a subscription filter whose destination is a Lambda function: it
// batches the group's new events per stream and invokes the function asynchronously (Lambda's
// retries and on-failure destination apply) with {"awslogs": {"data": base64(gzip(JSON))}}.
// Creating a filter sends one CONTROL_MESSAGE first, as AWS does to check the destination.
// Locally a batch leaves once it holds MAX_EVENTS events or has waited FLUSH_MS, whichever is
// first (AWS's own batching takes up to a few seconds and caps a payload at about 1 MB).

const { awslogsEvent } = require('@yubl/lambda-events');

const MAX_EVENTS = 1_000;
const FLUSH_MS = 200;

function createLogSubscriptions({ accountId, functionsByArn, invoker, log, flushMs = FLUSH_MS }) {
  const batches = new Map(); // group|filter|stream -> { group, stream, filter, events, timer }

  function destination(filter) {
    const fn = functionsByArn.get(filter.destinationArn);
    if (!fn) log(`log subscription ${filter.filterName} on ${filter.logGroupName}: no local function ${filter.destinationArn}; events dropped`);
    return fn;
  }

  function flush(key) {
    const batch = batches.get(key);
    if (!batch) return;
    batches.delete(key);
    clearTimeout(batch.timer);
    const fn = destination(batch.filter);
    if (!fn) return;
    invoker.invokeAsync(
      fn,
      awslogsEvent({
        messageType: 'DATA_MESSAGE',
        owner: accountId,
        logGroup: batch.group.name,
        logStream: batch.stream.name,
        subscriptionFilters: [batch.filter.filterName],
        logEvents: batch.events.map(({ id, timestamp, message }) => ({ id, timestamp, message })),
      }),
    );
  }

  return {
    /** A new filter: CloudWatch Logs checks its destination with a control message. */
    filterPut(group, filter) {
      const fn = destination(filter);
      if (!fn) return;
      invoker.invokeAsync(
        fn,
        awslogsEvent({
          messageType: 'CONTROL_MESSAGE',
          owner: 'CloudwatchLogs',
          logGroup: '',
          logStream: '',
          subscriptionFilters: [],
          logEvents: [{ id: '', timestamp: Date.now(), message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda function.' }],
        }),
      );
    },
    /** New events of a group that match one of its filters. */
    events(group, stream, filter, events) {
      const key = `${group.name}\u0000${filter.filterName}\u0000${stream.name}`;
      let batch = batches.get(key);
      if (!batch) {
        batch = { group, stream, filter, events: [], timer: setTimeout(() => flush(key), flushMs) };
        batches.set(key, batch);
      }
      batch.events.push(...events);
      if (batch.events.length >= MAX_EVENTS) flush(key);
    },
    /** Sends every batch still waiting (on stop). */
    flushAll() {
      for (const key of [...batches.keys()]) flush(key);
    },
  };
}

module.exports = { createLogSubscriptions };
