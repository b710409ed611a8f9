'use strict';

// EventBridge for the local cloud: the rules serverless.yml declares for its functions, both kinds
// — `eventBridge: {pattern}` (matched against every event put on the default bus, including the
// CloudTrail-shaped events the local cloud's own emulators emit) and `schedule: rate(…)|cron(…)` —
// each target an asynchronous invocation (Lambda's retries and on-failure destination apply).
// The EventBridge API's JSON 1.1 protocol (X-Amz-Target: AWSEvents.*) answers PutEvents,
// ListRules, DescribeRule, EnableRule and DisableRule, so an operator (or a test) can switch a rule
// off as on AWS. Differences from AWS: only the default bus; patterns support literals, prefix,
// suffix, exists, anything-but, equals-ignore-case and numeric; cron supports numbers, lists,
// ranges, steps, * and ? (not L, W or #), in UTC; rules come only from serverless.yml.

const crypto = require('node:crypto');
const { eventBridgeEvent, scheduledEvent } = require('@yubl/lambda-events');
const { AwsError } = require('../emulators/aws-errors');

// ---- event patterns ------------------------------------------------------------------------------

const NUMERIC = { '=': (a, b) => a === b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b };

function numericMatches(conditions, value) {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const compare = NUMERIC[conditions[i]];
    if (!compare || !compare(value, conditions[i + 1])) return false;
  }
  return true;
}

/** One entry of a pattern's array against one value of the event (undefined when absent). */
function entryMatches(entry, value, present) {
  if (entry === null || typeof entry !== 'object') return present && value === entry;
  if ('exists' in entry) return entry.exists === present;
  if (!present) return false;
  if ('prefix' in entry) return typeof value === 'string' && value.startsWith(entry.prefix);
  if ('suffix' in entry) return typeof value === 'string' && value.endsWith(entry.suffix);
  if ('equals-ignore-case' in entry) return typeof value === 'string' && value.toLowerCase() === String(entry['equals-ignore-case']).toLowerCase();
  if ('numeric' in entry) return numericMatches(entry.numeric, value);
  if ('anything-but' in entry) {
    const but = entry['anything-but'];
    if (but !== null && typeof but === 'object' && !Array.isArray(but)) return !Object.values(but).some((sub) => entryMatches({ [Object.keys(but)[0]]: sub }, value, true));
    return !(Array.isArray(but) ? but : [but]).includes(value);
  }
  return false;
}

/** True when `event` matches an EventBridge event pattern. */
function patternMatches(pattern, event) {
  for (const [key, expected] of Object.entries(pattern)) {
    const present = event !== null && typeof event === 'object' && Object.hasOwn(event, key);
    const value = present ? event[key] : undefined;
    if (Array.isArray(expected)) {
      // An array in the event matches when any of its values does.
      const values = Array.isArray(value) ? value : [value];
      if (!expected.some((entry) => values.some((v) => entryMatches(entry, v, present)))) return false;
    } else if (expected !== null && typeof expected === 'object') {
      if (!present || !patternMatches(expected, value)) return false;
    } else {
      return false; // a pattern's leaves are arrays; anything else matches nothing, as on AWS
    }
  }
  return true;
}

// ---- schedules -------------------------------------------------------------------------------------

// Seconds are the local cloud's own: AWS's shortest rate is a minute, but a stage parameter may give
// the local stage a rate in seconds (an outbox relay that must not keep a developer waiting).
const RATE_UNITS = { second: 1, seconds: 1, minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 };

/** Seconds between runs of a `rate(N unit)` expression, or undefined for anything else. */
function rateSeconds(expression) {
  const match = /^rate\((\d+)\s+(seconds?|minutes?|hours?|days?)\)$/.exec(String(expression).trim());
  return match ? Number(match[1]) * RATE_UNITS[match[2]] : undefined;
}

/** The set of values a cron field allows, within [min, max]. */
function cronField(text, min, max) {
  if (text === '*' || text === '?') return undefined; // any
  const values = new Set();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [from, to] = range === '*' ? [min, max] : range.includes('-') ? range.split('-').map(Number) : [Number(range), stepText ? max : Number(range)];
    if (![from, to, step].every(Number.isInteger) || step < 1) throw new Error(`cron field '${text}' is not supported`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** The next time (ms, after `after`) a `cron(min hour day-of-month month day-of-week year)` fires, in UTC. */
function nextCron(expression, after) {
  const match = /^cron\((.+)\)$/.exec(String(expression).trim());
  if (!match) return undefined;
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`cron expression '${expression}' needs six fields`);
  const [minutes, hours, days, months, weekdays, years] = [
    cronField(fields[0], 0, 59), cronField(fields[1], 0, 23), cronField(fields[2], 1, 31),
    cronField(fields[3], 1, 12), cronField(fields[4], 1, 7), cronField(fields[5], 1970, 2199),
  ];
  const allows = (set, value) => set === undefined || set.has(value);
  const time = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  for (let i = 0; i < 366 * 24 * 60; i += 1, time.setTime(time.getTime() + 60_000)) {
    // EventBridge numbers days of the week 1 (Sunday) to 7 (Saturday).
    if (allows(minutes, time.getUTCMinutes()) && allows(hours, time.getUTCHours()) && allows(days, time.getUTCDate()) &&
      allows(months, time.getUTCMonth() + 1) && allows(weekdays, time.getUTCDay() + 1) && allows(years, time.getUTCFullYear())) {
      return time.getTime();
    }
  }
  return undefined;
}

// ---- rules -----------------------------------------------------------------------------------------

/** The rules a function's serverless.yml events declare. */
function rulesOf(fn, events, { region, accountId }) {
  const rules = [];
  for (const event of events ?? []) {
    const index = rules.length + 1;
    if (event.eventBridge) {
      const { pattern, input, name } = event.eventBridge;
      if (!pattern) continue;
      rules.push({ kind: 'pattern', name: name ?? `${fn.name}-rule-${index}`, pattern, input, fn });
    } else if (event.schedule) {
      const declared = typeof event.schedule === 'string' ? { rate: [event.schedule] } : event.schedule;
      for (const expression of [declared.rate].flat().filter(Boolean)) {
        rules.push({ kind: 'schedule', name: declared.name ?? `${fn.name}-schedule-${index}`, expression, input: declared.input, fn, enabled: declared.enabled !== false });
      }
    }
  }
  for (const rule of rules) {
    rule.arn = `arn:aws:events:${region}:${accountId}:rule/${rule.name}`;
    rule.enabled ??= true;
  }
  return rules;
}

function createEventBridge({ region, accountId, invoker, log }) {
  const rules = new Map(); // name -> rule
  const timers = new Set();

  const envelope = ({ source, detailType, detail, resources = [], time = new Date() }) =>
    eventBridgeEvent({ id: crypto.randomUUID(), source, detailType, detail, account: accountId, region, resources, time });

  function target(rule, event) {
    invoker.invokeAsync(rule.fn, rule.input === undefined ? event : rule.input);
  }

  function schedule(rule) {
    const every = rateSeconds(rule.expression);
    const next = every ? Date.now() + every * 1000 : nextCron(rule.expression, Date.now());
    if (next === undefined) {
      log(`${rule.fn.key}: schedule '${rule.expression}' is not understood; it never runs`);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (rule.enabled) target(rule, scheduledEvent({ id: crypto.randomUUID(), account: accountId, region, ruleArn: rule.arn, time: new Date() }));
      schedule(rule);
    }, Math.min(next - Date.now(), 2 ** 31 - 1));
    timer.unref();
    timers.add(timer);
  }

  function ruleNamed(name) {
    const rule = rules.get(name);
    if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist.`);
    return rule;
  }

  const describe = (rule) => ({
    Name: rule.name,
    Arn: rule.arn,
    State: rule.enabled ? 'ENABLED' : 'DISABLED',
    EventBusName: 'default',
    ...(rule.kind === 'pattern' ? { EventPattern: JSON.stringify(rule.pattern) } : { ScheduleExpression: rule.expression }),
  });

  /** Puts one event on the default bus: every enabled pattern rule that matches it invokes its target. */
  function put(event) {
    let matched = 0;
    for (const rule of rules.values()) {
      if (rule.kind === 'pattern' && rule.enabled && patternMatches(rule.pattern, event)) {
        matched += 1;
        target(rule, event);
      }
    }
    return matched;
  }

  const operations = {
    PutEvents({ Entries = [] }) {
      const results = Entries.map((entry) => {
        let detail;
        try {
          detail = JSON.parse(entry.Detail ?? '{}');
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
        }
        const event = envelope({ source: entry.Source, detailType: entry.DetailType, detail, resources: entry.Resources, time: entry.Time ? new Date(entry.Time * 1000) : undefined });
        put(event);
        return { EventId: event.id };
      });
      return { Entries: results, FailedEntryCount: results.filter((r) => r.ErrorCode).length };
    },
    ListRules({ NamePrefix = '' }) {
      return { Rules: [...rules.values()].filter((r) => r.name.startsWith(NamePrefix)).map(describe) };
    },
    DescribeRule({ Name }) {
      return describe(ruleNamed(Name));
    },
    EnableRule({ Name }) {
      ruleNamed(Name).enabled = true;
      return {};
    },
    DisableRule({ Name }) {
      ruleNamed(Name).enabled = false;
      return {};
    },
  };

  return {
    /** The rules of one function, from its serverless.yml events; schedules start at once. */
    addFunction(fn, events) {
      for (const rule of rulesOf(fn, events, { region, accountId })) {
        rules.set(rule.name, rule);
        if (rule.kind === 'schedule') schedule(rule);
      }
    },
    ruleCount: () => rules.size,
    /** An AWS API call, as CloudTrail records it and EventBridge delivers it. */
    apiCall({ eventSource, eventName, requestParameters, responseElements = null }) {
      return put(
        envelope({
          source: `aws.${eventSource.split('.')[0]}`,
          detailType: 'AWS API Call via CloudTrail',
          detail: {
            eventVersion: '1.08',
            userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' },
            eventTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
            eventSource,
            eventName,
            awsRegion: region,
            sourceIPAddress: 'lambda.amazonaws.com',
            userAgent: 'lambda.amazonaws.com',
            requestParameters,
            responseElements,
            requestID: crypto.randomUUID(),
            eventID: crypto.randomUUID(),
            readOnly: false,
            eventType: 'AwsApiCall',
            managementEvent: true,
            recipientAccountId: accountId,
            eventCategory: 'Management',
          },
        }),
      );
    },
    handle(target, body) {
      const name = String(target).replace(/^AWSEvents\./, '');
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (!operation) throw new AwsError('UnsupportedOperation', `EventBridge operation '${name}' is not emulated`);
      return operation(body ?? {});
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

module.exports = { createEventBridge, patternMatches, rateSeconds, nextCron };
