// @ts-check
'use strict';

// Invoking a function the way the Lambda service does, for every event source of the local cloud:
// - synchronously (`invokeSync`): what an event-source mapping (Kinesis) or a RequestResponse
//   Invoke gets — the function's answer, or its error; never a throw for a function error;
// - asynchronously (`invokeAsync`): what SNS, CloudWatch Logs subscriptions, EventBridge rules and
//   schedules, and an `InvocationType: Event` Invoke get — Lambda's retries, then the function's
//   on-failure destination with Lambda's invocation record;
// - `sendToDestination`: an on-failure destination by ARN (an SQS queue or an SNS topic, the two
//   kinds Lambda allows), which an event-source mapping also uses for the batches it gives up on.
// Each function runs in its service's serverless-offline, reached on that one's Lambda port.

const crypto = require('node:crypto');
const { invokeServed } = require('./served');

/**
 * A function as the Lambda service knows it: where it runs locally and the settings AWS applies
 * around an invocation (cloud.js reads them from serverless.yml).
 * @typedef {object} LocalFunction
 * @property {string} key `<project>/<function key>`, for the log
 * @property {string} name the deployed name
 * @property {string} arn
 * @property {number} lambdaPort its serverless-offline's Lambda port
 * @property {number} timeoutSeconds
 * @property {number} maximumRetryAttempts asynchronous retries (0 to 2)
 * @property {number} [maximumEventAge] seconds an asynchronous event is kept trying (6 hours by default)
 * @property {number} [reservedConcurrency]
 * @property {string} [onFailure] the ARN of its asynchronous on-failure destination
 * @property {string[]} [eventSourceArns] the streams and topics it reads (published for a served instance)
 * @property {string} [servedUrl] set while its service is served outside Lambda (src/served.js): it runs there
 * @property {string} [functionKey] its key in serverless.yml, as the served instance names it
 */

/**
 * What an invocation gave: the answer, or which error (`Unhandled` for a function that threw,
 * `ServiceException` for one that could not be reached).
 * @typedef {{ ok: true, status: number, payload: unknown } | { ok: false, status?: number, functionError: string, payload: unknown }} InvokeResult
 */

/**
 * @typedef {object} LambdaInvoker
 * @property {(fn: LocalFunction, event: unknown) => Promise<InvokeResult>} invokeSync
 * @property {(fn: LocalFunction, event: unknown) => Promise<void>} invokeAsync resolves when the
 *   event is delivered or given up (callers need not wait: `settled` does)
 * @property {(arn: string, record: object) => Promise<void>} sendToDestination
 * @property {() => Promise<void>} settled resolves once every asynchronous invocation started so far
 *   has been delivered or given up
 * @property {() => Promise<void>} stop
 */

/**
 * Where on-failure records can go: the SQS and SNS emulators.
 * @typedef {object} DestinationTargets
 * @property {{ sendToArn(arn: string, body: string): unknown }} sqs
 * @property {{ publishToArn(arn: string, message: string): unknown }} sns
 */

/**
 * True when the invocation never reached the function: nothing listens on its port (its
 * serverless-offline is down or restarting). Lambda treats not being able to run a function as its
 * own error, not the function's: it retries without counting an attempt (see createLambdaInvoker
 * and event-sources/kinesis.js). A process killed mid-invocation is the function's error (on AWS,
 * Runtime.ExitError), and counts.
 * @param {unknown} error
 */
const notInvoked = (error) => error instanceof Error && /** @type {{ code?: string } | undefined} */ (error.cause)?.code === 'ECONNREFUSED';

// Lambda waits about a minute before the first retry of a failed asynchronous invocation, then two;
// here one second, then two (1/60 of it: `LOCAL_CLOUD_ASYNC_RETRY_DELAY_MS` or `local-cloud up
// --async-retry-delay-ms` changes the first, the second is double), long enough for a crashed
// service to be restarted inside the retries, short enough for tests.
const ASYNC_RETRY_DELAY_MS = 1_000;
// An event Lambda could not hand to the function (throttled, or no runtime there) goes back to the
// queue and is tried again with a growing delay (AWS: up to 5 minutes), until maximumEventAge
// (6 hours by default) has passed.
const NOT_INVOKED_MAX_DELAY_MS = 5_000;
const MAXIMUM_EVENT_AGE_SECONDS = 21_600;

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/**
 * The error message of a failed invocation's payload, if it carries one.
 * @param {InvokeResult} result
 * @returns {string}
 */
function failureText(result) {
  const payload = /** @type {{ errorMessage?: unknown } | null} */ (result.payload !== null && typeof result.payload === 'object' ? result.payload : null);
  if (typeof payload?.errorMessage === 'string') return payload.errorMessage;
  return result.ok ? 'ok' : result.functionError;
}

/**
 * Invokes a function synchronously through its serverless-offline; never throws for a function error.
 * @param {LocalFunction} fn
 * @param {unknown} event
 * @returns {Promise<InvokeResult>}
 */
async function invokeSync(fn, event) {
  // A function whose service is served outside Lambda (src/served.js) runs there.
  if (fn.servedUrl) return /** @type {Promise<InvokeResult>} */ (invokeServed(fn, event));
  const response = await fetch(`http://127.0.0.1:${fn.lambdaPort}/2015-03-31/functions/${fn.name}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
    // serverless-offline ends a run at the function's timeout; allow for its own start-up besides.
    signal: AbortSignal.timeout(fn.timeoutSeconds * 1000 + 30_000),
  });
  const text = await response.text();
  /** @type {unknown} */
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = text;
  }
  const functionError = response.headers.get('x-amz-function-error');
  if (response.status >= 400 || functionError) {
    return { ok: false, status: response.status, functionError: functionError ?? 'Unhandled', payload };
  }
  return { ok: true, status: response.status, payload };
}

/**
 * The record Lambda sends to an on-failure destination after an asynchronous invocation gives up.
 * @param {LocalFunction} fn
 * @param {unknown} event
 * @param {InvokeResult} result
 * @param {number} invokeCount
 * @param {string} [condition]
 */
function asyncFailureRecord(fn, event, result, invokeCount, condition = 'RetriesExhausted') {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: crypto.randomUUID(),
      functionArn: `${fn.arn}:$LATEST`,
      condition,
      approximateInvokeCount: invokeCount,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: result.ok ? undefined : result.functionError },
    responsePayload: result.payload,
  };
}

/**
 * The Lambda service of the local cloud. Asynchronous invocations get up to `maximumRetryAttempts`
 * retries (default 2) of a function error after `retryDelayMs`, then double; an invocation that
 * never reached the function is retried without counting until the event is `maximumEventAge`
 * seconds old; then the function's on-failure destination.
 * @param {DestinationTargets & { log: (line: string) => void, retryDelayMs?: number, invoke?: typeof invokeSync }} options
 *   `invoke` replaces the HTTP call to serverless-offline (tests)
 * @returns {LambdaInvoker}
 */
function createLambdaInvoker({ sqs, sns, log, retryDelayMs = ASYNC_RETRY_DELAY_MS, invoke = invokeSync }) {
  /** @type {Set<Promise<void>>} */
  const inFlight = new Set();
  let stopped = false;
  // reservedConcurrency: at most that many invocations of a function at once; the rest wait their
  // turn, as Lambda throttles and retries asynchronous events.
  /** @type {Map<string, number>} function key -> invocations running */
  const running = new Map();
  /** @type {Map<string, (() => void)[]>} function key -> invocations waiting for a slot */
  const waiting = new Map();

  /** @param {LocalFunction} fn */
  async function slot(fn) {
    if (!fn.reservedConcurrency) return;
    const count = running.get(fn.key) ?? 0;
    if (count < fn.reservedConcurrency) {
      running.set(fn.key, count + 1);
      return;
    }
    await new Promise((resolve) => {
      const queue = waiting.get(fn.key) ?? [];
      queue.push(() => resolve(undefined));
      waiting.set(fn.key, queue);
    });
  }

  /** @param {LocalFunction} fn */
  function release(fn) {
    if (!fn.reservedConcurrency) return;
    const next = waiting.get(fn.key)?.shift();
    if (next) next(); // the slot passes straight on
    else running.set(fn.key, (running.get(fn.key) ?? 1) - 1);
  }

  /**
   * @param {string} arn
   * @param {object} record
   */
  async function sendToDestination(arn, record) {
    const body = JSON.stringify(record);
    if (arn.startsWith('arn:aws:sqs:')) sqs.sendToArn(arn, body);
    else if (arn.startsWith('arn:aws:sns:')) sns.publishToArn(arn, body);
    else throw new Error(`on-failure destination ${arn} is neither an SQS queue nor an SNS topic`);
  }

  /**
   * @param {LocalFunction} fn
   * @param {unknown} event
   */
  async function deliver(fn, event) {
    const wait = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const queuedAt = Date.now();
    const maximumAgeMs = (fn.maximumEventAge ?? MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    /** @type {InvokeResult | undefined} */
    let result;
    let condition = 'RetriesExhausted';
    let invokes = 0;
    let notInvokedDelay = retryDelayMs;
    for (let attempt = 0; attempt <= fn.maximumRetryAttempts; ) {
      if (stopped) return;
      let reached = true;
      await slot(fn);
      try {
        result = await invoke(fn, event);
      } catch (error) {
        reached = !notInvoked(error);
        result = { ok: false, functionError: 'ServiceException', payload: { errorMessage: messageOf(error) } };
      } finally {
        release(fn);
      }
      if (result.ok) return;
      if (!reached) {
        if (Date.now() - queuedAt >= maximumAgeMs) {
          condition = 'EventAgeExceeded';
          break;
        }
        await wait(notInvokedDelay);
        notInvokedDelay = Math.min(notInvokedDelay * 2, NOT_INVOKED_MAX_DELAY_MS);
        continue;
      }
      invokes += 1;
      log(`${fn.key}: asynchronous invocation failed (attempt ${attempt + 1} of ${fn.maximumRetryAttempts + 1}): ${failureText(result)}`);
      attempt += 1;
      if (attempt <= fn.maximumRetryAttempts) await wait(retryDelayMs * 2 ** (attempt - 1));
    }
    if (!result || stopped) return; // no attempt at all (a negative retry count is refused by the framework)
    if (fn.onFailure) {
      await sendToDestination(fn.onFailure, asyncFailureRecord(fn, event, result, invokes, condition));
      log(`${fn.key}: event sent to on-failure destination ${fn.onFailure} (${condition})`);
    } else {
      log(`${fn.key}: event dropped after ${invokes} attempts (${condition}; no on-failure destination)`);
    }
  }

  return {
    invokeSync: invoke,
    invokeAsync(fn, event) {
      const job = deliver(fn, event).catch((error) => log(`${fn.key}: asynchronous delivery failed: ${error instanceof Error ? error.stack : error}`));
      inFlight.add(job);
      job.finally(() => inFlight.delete(job));
      return job;
    },
    sendToDestination,
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      stopped = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}

module.exports = { createLambdaInvoker, invokeSync, failureText, messageOf, notInvoked, ASYNC_RETRY_DELAY_MS };
