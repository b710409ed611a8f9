// @ts-check
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

/**
 * An event pattern, as serverless.yml or PutRule gives it: JSON whose leaves are arrays of entries
 * (a literal, or an operator object such as `{"prefix": "a"}`).
 * @typedef {{ [key: string]: unknown }} EventPattern
 */

/** @type {Record<string, (a: number, b: unknown) => boolean>} */
const NUMERIC = {
  '=': (a, b) => a === b,
  '<': (a, b) => typeof b === 'number' && a < b,
  '<=': (a, b) => typeof b === 'number' && a <= b,
  '>': (a, b) => typeof b === 'number' && a > b,
  '>=': (a, b) => typeof b === 'number' && a >= b,
};

/**
 * @param {unknown} conditions `[operator, number, operator, number…]`
 * @param {unknown} value
 */
function numericMatches(conditions, value) {
  if (typeof value !== 'number' || !Array.isArray(conditions)) return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const compare = Object.hasOwn(NUMERIC, conditions[i]) ? NUMERIC[conditions[i]] : undefined;
    if (!compare || !compare(value, conditions[i + 1])) return false;
  }
  return true;
}

/**
 * One entry of a pattern's array against one value of the event (undefined when absent).
 * @param {unknown} entry
 * @param {unknown} value
 * @param {boolean} present
 * @returns {boolean}
 */
function entryMatches(entry, value, present) {
  if (entry === null || typeof entry !== 'object') return present && value === entry;
  const operator = /** @type {{ [operator: string]: unknown }} */ (entry);
  if ('exists' in operator) return operator.exists === present;
  if (!present) return false;
  if ('prefix' in operator) return typeof value === 'string' && value.startsWith(String(operator.prefix));
  if ('suffix' in operator) return typeof value === 'string' && value.endsWith(String(operator.suffix));
  if ('equals-ignore-case' in operator) return typeof value === 'string' && value.toLowerCase() === String(operator['equals-ignore-case']).toLowerCase();
  if ('numeric' in operator) return numericMatches(operator.numeric, value);
  if ('anything-but' in operator) {
    const but = operator['anything-but'];
    if (but !== null && typeof but === 'object' && !Array.isArray(but)) {
      const [name, subs] = Object.entries(but)[0] ?? [];
      return name === undefined || !(Array.isArray(subs) ? subs : [subs]).some((sub) => entryMatches({ [name]: sub }, value, true));
    }
    return !(Array.isArray(but) ? but : [but]).includes(value);
  }
  return false;
}

/**
 * True when `event` matches an EventBridge event pattern.
 * @param {EventPattern} pattern
 * @param {unknown} event
 * @returns {boolean}
 */
function patternMatches(pattern, event) {
  for (const [key, expected] of Object.entries(pattern)) {
    const present = event !== null && typeof event === 'object' && Object.hasOwn(event, key);
    const value = present ? /** @type {Record<string, unknown>} */ (event)[key] : undefined;
    if (Array.isArray(expected)) {
      // An array in the event matches when any of its values does.
      const values = Array.isArray(value) ? value : [value];
      if (!expected.some((entry) => values.some((v) => entryMatches(entry, v, present)))) return false;
    } else if (expected !== null && typeof expected === 'object') {
      if (!present || !patternMatches(/** @type {EventPattern} */ (expected), value)) return false;
    } else {
      return false; // a pattern's leaves are arrays; anything else matches nothing, as on AWS
    }
  }
  return true;
}

// ---- schedules -------------------------------------------------------------------------------------

// Seconds are the local cloud's own: AWS's shortest rate is a minute, but a stage parameter may give
// the local stage a rate in seconds (an outbox relay that must not keep a developer waiting).
/** @type {Record<string, number>} */
const RATE_UNITS = { second: 1, seconds: 1, minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 };

/**
 * Seconds between runs of a `rate(N unit)` expression, or undefined for anything else.
 * @param {unknown} expression
 * @returns {number | undefined}
 */
function rateSeconds(expression) {
  const match = /^rate\((\d+)\s+(seconds?|minutes?|hours?|days?)\)$/.exec(String(expression).trim());
  return match ? Number(match[1]) * (RATE_UNITS[match[2] ?? ''] ?? NaN) : undefined;
}

// The golden ratio's fractional part: the k-th share, k × this mod 1, falls in the widest gap the
// earlier ones left, so that any number of shares stay apart.
const GOLDEN_SHARE = (Math.sqrt(5) - 1) / 2;

/**
 * How long after it is added the k-th rate schedule (k from 1) first runs: between half a period and
 * one. On AWS a rate schedule counts from the moment its rule was created, so rules deployed apart
 * run apart; here every rule is added within the same second, and the four outbox relays' rate(5
 * seconds) ran in the same few milliseconds, each time a stall for every request beside them.
 * Spread like this, four rules of one rate run at least 7 % of the period apart; each still runs
 * once a period. Never sooner than half a period: an hourly sweep does not run under a test suite
 * that expects it not to have.
 * @param {number} k
 * @param {number} everyMs
 * @returns {number} in (everyMs / 2, everyMs]
 */
function firstRateRunInMs(k, everyMs) {
  return Math.round(everyMs * (1 - ((k * GOLDEN_SHARE) % 1) / 2));
}

/**
 * The set of values a cron field allows, within [min, max]; undefined for any.
 * @param {string} text
 * @param {number} min
 * @param {number} max
 * @returns {Set<number> | undefined}
 */
function cronField(text, min, max) {
  if (text === '*' || text === '?') return undefined; // any
  /** @type {Set<number>} */
  const values = new Set();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [from = NaN, to = NaN] = range === '*' ? [min, max] : range.includes('-') ? range.split('-').map(Number) : [Number(range), stepText ? max : Number(range)];
    if (![from, to, step].every(Number.isInteger) || step < 1) throw new Error(`cron field '${text}' is not supported`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/**
 * The next time (ms, after `after`) a `cron(min hour day-of-month month day-of-week year)` fires, in UTC.
 * @param {unknown} expression
 * @param {number} after
 * @returns {number | undefined}
 */
function nextCron(expression, after) {
  const match = /^cron\((.+)\)$/.exec(String(expression).trim());
  if (!match?.[1]) return undefined;
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`cron expression '${expression}' needs six fields`);
  const [minutes, hours, days, months, weekdays, years] = [[0, 59], [0, 23], [1, 31], [1, 12], [1, 7], [1970, 2199]].map(
    ([min = 0, max = 0], i) => cronField(fields[i] ?? '', min, max),
  );
  /**
   * @param {Set<number> | undefined} set
   * @param {number} value
   */
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

/**
 * A function's events in serverless.yml, as far as EventBridge reads them.
 * @typedef {object} FunctionEvent
 * @property {{ pattern?: EventPattern, input?: unknown, name?: string }} [eventBridge]
 * @property {string | { rate?: string | string[], name?: string, input?: unknown, enabled?: boolean }} [schedule]
 */

/**
 * A rule: an event pattern on the default bus, or a schedule; its target one function.
 * @typedef {{ name: string, arn: string, enabled: boolean, input: unknown, fn: import('../lambda-invoker').LocalFunction }
 *   & ({ kind: 'pattern', pattern: EventPattern } | { kind: 'schedule', expression: string })} Rule
 */

/**
 * The rules a function's serverless.yml events declare.
 * @param {import('../lambda-invoker').LocalFunction} fn
 * @param {FunctionEvent[] | undefined} events
 * @param {{ region: string, accountId: string }} where
 * @returns {Rule[]}
 */
function rulesOf(fn, events, { region, accountId }) {
  /** @type {Rule[]} */
  const rules = [];
  const arnOf = (/** @type {string} */ name) => `arn:aws:events:${region}:${accountId}:rule/${name}`;
  for (const event of events ?? []) {
    const index = rules.length + 1;
    if (event.eventBridge) {
      const { pattern, input, name } = event.eventBridge;
      if (!pattern) continue;
      const ruleName = name ?? `${fn.name}-rule-${index}`;
      rules.push({ kind: 'pattern', name: ruleName, arn: arnOf(ruleName), enabled: true, pattern, input, fn });
    } else if (event.schedule) {
      const declared = typeof event.schedule === 'string' ? { rate: [event.schedule] } : event.schedule;
      for (const expression of [declared.rate ?? []].flat().filter(Boolean)) {
        const ruleName = declared.name ?? `${fn.name}-schedule-${index}`;
        rules.push({ kind: 'schedule', name: ruleName, arn: arnOf(ruleName), expression, input: declared.input, fn, enabled: declared.enabled !== false });
      }
    }
  }
  return rules;
}

/**
 * PutEvents' entries as the JSON 1.1 protocol carries them (Time in epoch seconds).
 * @typedef {{ Source?: string, DetailType?: string, Detail?: string, Resources?: string[], Time?: number }} PutEventsEntry
 */

/**
 * EventBridge on the default bus, with the rules of every function added by `addFunction`.
 * @param {object} options
 * @param {string} options.region
 * @param {string} options.accountId
 * @param {Pick<import('../lambda-invoker').LambdaInvoker, 'invokeAsync'>} options.invoker
 * @param {(line: string) => void} options.log
 */
function createEventBridge({ region, accountId, invoker, log }) {
  /** @type {Map<string, Rule>} name -> rule */
  const rules = new Map();
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  let ratesAdded = 0; // rate schedules added so far: each first runs at its own share of the period (firstRateRunInMs)

  /**
   * @param {{ source: string, detailType: string, detail: unknown, resources?: string[], time?: Date }} event
   */
  const envelope = ({ source, detailType, detail, resources = [], time = new Date() }) =>
    eventBridgeEvent({ id: crypto.randomUUID(), source, detailType, detail, account: accountId, region, resources, time });

  /**
   * A rule's target gets the event, or the rule's `input` in its place, as on AWS.
   * @param {Rule} rule
   * @param {unknown} event
   * @returns {Promise<void>} the delivery, retries and on-failure destination included
   */
  function target(rule, event) {
    return invoker.invokeAsync(rule.fn, rule.input === undefined ? event : rule.input);
  }

  /** @param {Rule & { kind: 'schedule' }} rule @param {boolean} [first] whether the rule was just added */
  function schedule(rule, first = false) {
    const every = rateSeconds(rule.expression);
    if (first && every) ratesAdded += 1;
    const next = every ? Date.now() + (first ? firstRateRunInMs(ratesAdded, every * 1000) : every * 1000) : nextCron(rule.expression, Date.now());
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

  /** @param {unknown} name */
  function ruleNamed(name) {
    if (typeof name !== 'string') throw new AwsError('ValidationException', 'Name is required.');
    const rule = rules.get(name);
    if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist.`);
    return rule;
  }

  /** @param {Rule} rule */
  const describe = (rule) => ({
    Name: rule.name,
    Arn: rule.arn,
    State: rule.enabled ? 'ENABLED' : 'DISABLED',
    EventBusName: 'default',
    ...(rule.kind === 'pattern' ? { EventPattern: JSON.stringify(rule.pattern) } : { ScheduleExpression: rule.expression }),
  });

  /**
   * Puts one event on the default bus: every enabled pattern rule that matches it invokes its
   * target. Returns the deliveries started.
   * @param {unknown} event
   * @returns {Promise<void>[]}
   */
  function put(event) {
    /** @type {Promise<void>[]} */
    const deliveries = [];
    for (const rule of rules.values()) {
      if (rule.kind === 'pattern' && rule.enabled && patternMatches(rule.pattern, event)) deliveries.push(target(rule, event));
    }
    return deliveries;
  }

  /** @type {Record<string, (body: Record<string, any>) => object>} the API's request bodies are JSON from a client */
  const operations = {
    /** @param {{ Entries?: PutEventsEntry[] }} body */
    PutEvents({ Entries = [] }) {
      const results = Entries.map((entry) => {
        let detail;
        try {
          detail = JSON.parse(entry.Detail ?? '{}');
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
        }
        const event = envelope({ source: String(entry.Source), detailType: String(entry.DetailType), detail, resources: entry.Resources, time: entry.Time ? new Date(entry.Time * 1000) : undefined });
        put(event);
        return { EventId: event.id };
      });
      return { Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length };
    },
    /** @param {{ NamePrefix?: string }} body */
    ListRules({ NamePrefix = '' }) {
      return { Rules: [...rules.values()].filter((r) => r.name.startsWith(NamePrefix)).map(describe) };
    },
    /** @param {{ Name?: string }} body */
    DescribeRule({ Name }) {
      return describe(ruleNamed(Name));
    },
    /** @param {{ Name?: string }} body */
    EnableRule({ Name }) {
      ruleNamed(Name).enabled = true;
      return {};
    },
    /** @param {{ Name?: string }} body */
    DisableRule({ Name }) {
      ruleNamed(Name).enabled = false;
      return {};
    },
  };

  return {
    /**
     * The rules of one function, from its serverless.yml events; schedules start at once (a rate's
     * first run a share of its period away: firstRateRunInMs).
     * @param {import('../lambda-invoker').LocalFunction} fn
     * @param {FunctionEvent[] | undefined} events
     */
    addFunction(fn, events) {
      for (const rule of rulesOf(fn, events, { region, accountId })) {
        rules.set(rule.name, rule);
        if (rule.kind === 'schedule') schedule(rule, true);
      }
    },
    ruleCount: () => rules.size,
    /**
     * An AWS API call, as CloudTrail records it and EventBridge delivers it. Resolves once every
     * rule's target has had it (or given it up), so that start-up can wait for what it caused.
     * @param {{ eventSource: string, eventName: string, requestParameters: object, responseElements?: object | null }} call
     * @returns {Promise<void>}
     */
    async apiCall({ eventSource, eventName, requestParameters, responseElements = null }) {
      const deliveries = put(
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
      await Promise.allSettled(deliveries);
    },
    /**
     * One call of the EventBridge API (JSON 1.1).
     * @param {unknown} target the X-Amz-Target header
     * @param {Record<string, unknown> | undefined} body
     */
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

module.exports = { createEventBridge, patternMatches, rateSeconds, firstRateRunInMs, nextCron };
