'use strict';

// CloudWatch Logs for the local cloud: the JSON 1.1 protocol (X-Amz-Target: Logs_20140328.*), in
// memory. Every function's output lands in its log group `/aws/lambda/<function name>`, a stream
// per worker, as Lambda writes it (see offline-preload.js); subscription filters hand new events to
// `onEvents` (../event-sources/cloudwatch-logs.js delivers them), and a new group is announced to `onGroupCreated`
// (the CloudTrail event EventBridge rules match, see eventbridge.js).
// Differences from AWS, on purpose: nothing is kept across restarts; a group keeps its newest
// MAX_EVENTS_PER_GROUP events (retention settings are recorded, not applied); filter patterns are
// the plain-term kind only (every term must appear; "" matches all); no KMS keys, metric filters,
// Insights queries or resource policies.

const { AwsError } = require('./aws-errors');

const MAX_EVENTS_PER_GROUP = 100_000;
// The retention values PutRetentionPolicy accepts (days).
const RETENTION_DAYS = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
const FILTERS_PER_GROUP = 2;
const GROUP_NAME = /^[\w\-./#]{1,512}$/;

/** A log event id as AWS writes them: a 56-digit decimal string, unique, growing with time. */
let eventSequence = 0n;
/** @param {number} timestamp */
function eventId(timestamp) {
  eventSequence += 1n;
  return `${String(timestamp).padStart(16, '0')}${eventSequence.toString().padStart(40, '0')}`;
}

/** @type {Map<string, string[]>} pattern -> its terms: a subscription's pattern is read for every line a function writes */
const termsByPattern = new Map();
const PATTERNS_KEPT = 1_000;

/** @param {unknown} pattern @returns {string[]} */
function patternTerms(pattern) {
  const text = String(pattern ?? '');
  let terms = termsByPattern.get(text);
  if (!terms) {
    terms = [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => /** @type {string} */ (m[1] ?? m[2]));
    if (termsByPattern.size < PATTERNS_KEPT) termsByPattern.set(text, terms);
  }
  return terms;
}

/**
 * True when `message` matches a plain-term filter pattern ("" or every term present).
 * @param {unknown} pattern
 * @param {string} message
 */
function matchesPattern(pattern, message) {
  return patternTerms(pattern).every((term) => message.includes(term));
}

/**
 * Pages a sorted list with an opaque token: the index of the next item.
 * @template T
 * @param {T[]} items
 * @param {unknown} limit
 * @param {unknown} nextToken
 * @param {number} max
 */
function page(items, limit, nextToken, max) {
  const size = limit === undefined ? max : Number(limit);
  if (!Number.isInteger(size) || size < 1 || size > max) throw new AwsError('InvalidParameterException', `limit must be between 1 and ${max}`);
  const start = nextToken === undefined ? 0 : Number(Buffer.from(String(nextToken), 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidParameterException', 'The nextToken is not valid');
  const slice = items.slice(start, start + size);
  return { slice, nextToken: start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined };
}

/**
 * @typedef {{ id: string, timestamp: number, message: string, logStreamName: string, ingestionTime: number }} LogEvent
 * @typedef {{ name: string, creationTime: number, firstEventTimestamp: number | undefined, lastEventTimestamp: number | undefined }} LogStream
 * @typedef {{ filterName: string, logGroupName: string, filterPattern: string, destinationArn: string, distribution: string, creationTime: number }} SubscriptionFilter
 * @typedef {object} LogGroup
 * @property {string} name
 * @property {string} arn
 * @property {number} creationTime
 * @property {number | undefined} retentionInDays
 * @property {Map<string, LogStream>} streams
 * @property {LogEvent[]} events
 * @property {SubscriptionFilter[]} filters
 */

/**
 * @param {object} options
 * @param {string} options.region
 * @param {string} options.accountId
 * @param {(group: LogGroup) => void} [options.onGroupCreated]
 * @param {(group: LogGroup, stream: LogStream, filter: SubscriptionFilter, events: LogEvent[]) => void} [options.onEvents]
 * @param {(group: LogGroup, filter: SubscriptionFilter) => void} [options.onFilterPut]
 * @param {number} [options.maxEventsPerGroup] how many events a group keeps (its newest)
 */
function createCloudWatchLogs({ region, accountId, onGroupCreated = () => {}, onEvents = () => {}, onFilterPut = () => {}, maxEventsPerGroup = MAX_EVENTS_PER_GROUP }) {
  /** @type {Map<string, LogGroup>} */
  const groups = new Map(); // name -> { name, arn, creationTime, retentionInDays, streams: Map, events: [], filters: [] }

  const arnOf = (/** @type {string} */ name) => `arn:aws:logs:${region}:${accountId}:log-group:${name}`;

  /** @param {any} name as a client sent it */
  function groupNamed(name) {
    const group = groups.get(name);
    if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  /** @param {unknown} name @param {{ announce?: boolean }} [options] */
  function createGroup(name, { announce = true } = {}) {
    if (typeof name !== 'string' || !GROUP_NAME.test(name)) throw new AwsError('InvalidParameterException', `Invalid log group name '${name}'`);
    if (groups.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    /** @type {LogGroup} */
    const group = { name, arn: arnOf(name), creationTime: Date.now(), retentionInDays: undefined, streams: new Map(), events: [], filters: [] };
    groups.set(name, group);
    if (announce) onGroupCreated(group);
    return group;
  }

  /** The events a group keeps: its newest maxEventsPerGroup (putEvents trims the rest in bulk). @param {LogGroup} group */
  const keptEvents = (group) => (group.events.length > maxEventsPerGroup ? group.events.slice(-maxEventsPerGroup) : group.events);

  /** @param {LogGroup} group @param {string} streamName */
  function createStream(group, streamName) {
    if (group.streams.has(streamName)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    /** @type {LogStream} */
    const stream = { name: streamName, creationTime: Date.now(), firstEventTimestamp: undefined, lastEventTimestamp: undefined };
    group.streams.set(streamName, stream);
    return stream;
  }

  /**
   * Stores events in a stream and hands them to each subscription filter they match.
   * @param {LogGroup} group
   * @param {string} streamName
   * @param {{ timestamp: number, message: string }[]} logEvents
   */
  function putEvents(group, streamName, logEvents) {
    const stream = group.streams.get(streamName) ?? createStream(group, streamName);
    const ingestionTime = Date.now();
    const stored = logEvents.map(({ timestamp, message }) => ({ id: eventId(timestamp), timestamp, message, logStreamName: streamName, ingestionTime }));
    for (const event of stored) {
      stream.firstEventTimestamp ??= event.timestamp;
      stream.lastEventTimestamp = event.timestamp;
      group.events.push(event);
    }
    // Trimmed in bulk (moving 100,000 events for every line would cost more than the line): the
    // array holds up to twice the limit, and readers see only its newest maxEventsPerGroup.
    if (group.events.length >= 2 * maxEventsPerGroup) group.events.splice(0, group.events.length - maxEventsPerGroup);
    for (const filter of group.filters) {
      const matching = stored.filter((event) => matchesPattern(filter.filterPattern, event.message));
      if (matching.length > 0) onEvents(group, stream, filter, matching);
    }
    return stored;
  }

  // Each takes the request's JSON (as a client sent it) and returns the answer's.
  /** @type {Record<string, (input: any) => object>} */
  const operations = {
    CreateLogGroup({ logGroupName }) {
      createGroup(logGroupName);
      return {};
    },
    DeleteLogGroup({ logGroupName }) {
      groupNamed(logGroupName);
      groups.delete(logGroupName);
      return {};
    },
    DescribeLogGroups({ logGroupNamePrefix = '', limit, nextToken }) {
      const matching = [...groups.values()].filter((g) => g.name.startsWith(logGroupNamePrefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
      const { slice, nextToken: next } = page(matching, limit, nextToken, 50);
      return {
        logGroups: slice.map((g) => ({
          logGroupName: g.name,
          arn: `${g.arn}:*`,
          logGroupArn: g.arn,
          creationTime: g.creationTime,
          storedBytes: 0,
          metricFilterCount: 0,
          ...(g.retentionInDays ? { retentionInDays: g.retentionInDays } : {}),
        })),
        ...(next ? { nextToken: next } : {}),
      };
    },
    PutRetentionPolicy({ logGroupName, retentionInDays }) {
      if (!RETENTION_DAYS.has(retentionInDays)) throw new AwsError('InvalidParameterException', `retentionInDays ${retentionInDays} is not one of the allowed values`);
      groupNamed(logGroupName).retentionInDays = retentionInDays;
      return {};
    },
    DeleteRetentionPolicy({ logGroupName }) {
      groupNamed(logGroupName).retentionInDays = undefined;
      return {};
    },
    CreateLogStream({ logGroupName, logStreamName }) {
      createStream(groupNamed(logGroupName), logStreamName);
      return {};
    },
    DescribeLogStreams({ logGroupName, logStreamNamePrefix = '', limit, nextToken }) {
      const streams = [...groupNamed(logGroupName).streams.values()].filter((s) => s.name.startsWith(logStreamNamePrefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
      const { slice, nextToken: next } = page(streams, limit, nextToken, 50);
      return {
        logStreams: slice.map((s) => ({
          logStreamName: s.name,
          creationTime: s.creationTime,
          ...(s.firstEventTimestamp ? { firstEventTimestamp: s.firstEventTimestamp, lastEventTimestamp: s.lastEventTimestamp } : {}),
        })),
        ...(next ? { nextToken: next } : {}),
      };
    },
    PutLogEvents({ logGroupName, logStreamName, logEvents }) {
      const group = groupNamed(logGroupName);
      if (!group.streams.has(logStreamName)) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
      if (!Array.isArray(logEvents) || logEvents.length === 0 || logEvents.length > 10_000) throw new AwsError('InvalidParameterException', 'logEvents must hold 1 to 10,000 events');
      putEvents(group, logStreamName, logEvents);
      return {};
    },
    PutSubscriptionFilter({ logGroupName, filterName, filterPattern, destinationArn, distribution }) {
      const group = groupNamed(logGroupName);
      if (typeof filterName !== 'string' || filterName === '') throw new AwsError('InvalidParameterException', 'filterName is required');
      if (typeof destinationArn !== 'string' || !destinationArn.startsWith('arn:')) throw new AwsError('InvalidParameterException', 'destinationArn must be an ARN');
      const existing = group.filters.find((f) => f.filterName === filterName);
      if (existing) {
        Object.assign(existing, { filterPattern: filterPattern ?? '', destinationArn, distribution: distribution ?? 'ByLogStream' });
        return {};
      }
      if (group.filters.length >= FILTERS_PER_GROUP) {
        throw new AwsError('LimitExceededException', `Resource limit exceeded: a log group has at most ${FILTERS_PER_GROUP} subscription filters`);
      }
      /** @type {SubscriptionFilter} */
      const filter = { filterName, logGroupName, filterPattern: filterPattern ?? '', destinationArn, distribution: distribution ?? 'ByLogStream', creationTime: Date.now() };
      group.filters.push(filter);
      onFilterPut(group, filter);
      return {};
    },
    DescribeSubscriptionFilters({ logGroupName, filterNamePrefix = '', limit, nextToken }) {
      const filters = groupNamed(logGroupName).filters.filter((f) => f.filterName.startsWith(filterNamePrefix));
      const { slice, nextToken: next } = page(filters, limit, nextToken, 50);
      return { subscriptionFilters: slice.map((f) => ({ ...f })), ...(next ? { nextToken: next } : {}) };
    },
    DeleteSubscriptionFilter({ logGroupName, filterName }) {
      const group = groupNamed(logGroupName);
      const index = group.filters.findIndex((f) => f.filterName === filterName);
      if (index < 0) throw new AwsError('ResourceNotFoundException', 'The specified subscription filter does not exist.');
      group.filters.splice(index, 1);
      return {};
    },
    FilterLogEvents({ logGroupName, logStreamNames, logStreamNamePrefix, startTime, endTime, filterPattern, limit, nextToken }) {
      const group = groupNamed(logGroupName);
      const streams = logStreamNames ? new Set(logStreamNames) : undefined;
      const matching = keptEvents(group).filter(
        (e) =>
          (!streams || streams.has(e.logStreamName)) &&
          (!logStreamNamePrefix || e.logStreamName.startsWith(logStreamNamePrefix)) &&
          (startTime === undefined || e.timestamp >= startTime) &&
          (endTime === undefined || e.timestamp <= endTime) &&
          matchesPattern(filterPattern, e.message),
      );
      const { slice, nextToken: next } = page(matching, limit, nextToken, 10_000);
      return {
        events: slice.map((e) => ({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.id })),
        searchedLogStreams: [],
        ...(next ? { nextToken: next } : {}),
      };
    },
  };

  return {
    /** @param {string} target @param {unknown} body */
    handle(target, body) {
      const name = String(target).replace(/^Logs_20140328\./, '');
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (!operation) throw new AwsError('UnsupportedOperation', `CloudWatch Logs operation '${name}' is not emulated`);
      return operation(body ?? {});
    },
    /**
     * A line a function wrote, as Lambda's log agent stores it: into the function's group (created,
     * and announced, on its first line, as Lambda does) and the worker's stream.
     */
    /** A function's log group, as a deploy creates it (the framework declares one per function). */
    /** @param {string} functionName */
    createFunctionGroup(functionName) {
      const groupName = `/aws/lambda/${functionName}`;
      if (!groups.has(groupName)) createGroup(groupName);
    },
    /** @param {string} functionName @param {string} streamName @param {string} message @param {number} [timestamp] */
    writeFunctionLine(functionName, streamName, message, timestamp = Date.now()) {
      const groupName = `/aws/lambda/${functionName}`;
      const group = groups.get(groupName) ?? createGroup(groupName);
      putEvents(group, streamName, [{ timestamp, message }]);
    },
  };
}

module.exports = { createCloudWatchLogs, matchesPattern };
