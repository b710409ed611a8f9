// @ts-check
'use strict';

// What CloudWatch Logs does for a subscription filter whose destination is a Lambda function: it
// batches the group's new events per stream and invokes the function asynchronously (Lambda's
// retries and on-failure destination apply) with {"awslogs": {"data": base64(gzip(JSON))}}.
// Creating a filter sends one CONTROL_MESSAGE first, as AWS does to check the destination.
// Locally a batch leaves once it holds MAX_EVENTS events or has waited FLUSH_MS, whichever is
// first (AWS's own batching takes up to a few seconds and caps a payload at about 1 MB). A second,
// not less: every batch is an invocation of the destination with a fixed cost (its SDK calls to the
// search store and the metrics, its own log line), so at 100 requests/s to one function (four
// worker streams) a 200 ms wait made 20 invocations a second and cost 1.7–2.1 ms of ops' CPU per
// request; a second made it 0.4–0.6 ms, and the supervisor's share fell by about 0.6 ms too
// (measured side by side, GET /feed at 100/s for 20 s).

const { awslogsEvent } = require('@yubl/lambda-events');

const MAX_EVENTS = 1_000;
const FLUSH_MS = 1_000;

/**
 * What this module reads of the CloudWatch Logs emulator's groups, streams, filters and events
 * (../emulators/cloudwatch-logs.js).
 * @typedef {{ name: string }} LogGroup
 * @typedef {{ name: string }} LogStream
 * @typedef {{ filterName: string, logGroupName: string, destinationArn: string }} SubscriptionFilter
 * @typedef {{ id: string, timestamp: number, message: string }} LogEvent
 * @typedef {{ group: LogGroup, stream: LogStream, filter: SubscriptionFilter, events: LogEvent[], timer: NodeJS.Timeout }} Batch
 */

/**
 * @param {object} options
 * @param {string} options.accountId
 * @param {Map<string, import('../lambda-invoker').LocalFunction>} options.functionsByArn
 * @param {Pick<import('../lambda-invoker').LambdaInvoker, 'invokeAsync'>} options.invoker
 * @param {(line: string) => void} options.log
 * @param {number} [options.flushMs]
 */
function createLogSubscriptions({ accountId, functionsByArn, invoker, log, flushMs = FLUSH_MS }) {
  /** @type {Map<string, Batch>} group|filter|stream -> the events waiting */
  const batches = new Map();

  /** @param {SubscriptionFilter} filter */
  function destination(filter) {
    const fn = functionsByArn.get(filter.destinationArn);
    if (!fn) log(`log subscription ${filter.filterName} on ${filter.logGroupName}: no local function ${filter.destinationArn}; events dropped`);
    return fn;
  }

  /** @param {string} key */
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
    /**
     * A new filter: CloudWatch Logs checks its destination with a control message.
     * @param {LogGroup} _group
     * @param {SubscriptionFilter} filter
     */
    filterPut(_group, filter) {
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
    /**
     * New events of a group that match one of its filters.
     * @param {LogGroup} group
     * @param {LogStream} stream
     * @param {SubscriptionFilter} filter
     * @param {LogEvent[]} events
     */
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

module.exports = { createLogSubscriptions, FLUSH_MS, MAX_EVENTS };
