'use strict';

// The functions of every service, as the Lambda service knows them: where each one runs locally
// (its serverless-offline's Lambda port), and the settings AWS applies around an invocation.

const crypto = require('node:crypto');

/** Invokes a function synchronously through its serverless-offline; never throws for a function error. */
async function invokeSync(fn, event) {
  const response = await fetch(`http://127.0.0.1:${fn.lambdaPort}/2015-03-31/functions/${fn.name}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
    // serverless-offline ends a run at the function's timeout; allow for its own start-up besides.
    signal: AbortSignal.timeout(fn.timeoutSeconds * 1000 + 30_000),
  });
  const text = await response.text();
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
 * True when the invocation never reached the function: nothing listens on its port (its
 * serverless-offline is down or restarting). Lambda treats not being able to run a function as its
 * own error, not the function's: it retries without counting an attempt (see createAsyncInvoker
 * and kinesis-mapping.js). A process killed mid-invocation is the function's error (on AWS,
 * Runtime.ExitError), and counts.
 */
const notInvoked = (error) => error?.cause?.code === 'ECONNREFUSED';

/** The record Lambda sends to an on-failure destination after an asynchronous invocation gives up. */
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
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: result.functionError },
    responsePayload: result.payload,
  };
}

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

/**
 * Asynchronous invocation with Lambda's semantics, the one place for every asynchronous source
 * (SNS, CloudWatch Logs subscriptions, EventBridge, Invoke with InvocationType Event): up to
 * `maximumRetryAttempts` retries (default 2) of a function error after `retryDelayMs`, then double;
 * an invocation that never reached the function retried without counting until the event is
 * `maximumEventAge` seconds old; then the function's on-failure destination. Resolves when the event
 * is delivered or given up.
 */
function createAsyncInvoker({ destinations, log, retryDelayMs = ASYNC_RETRY_DELAY_MS }) {
  const inFlight = new Set();
  let stopped = false;
  // reservedConcurrency: at most that many invocations of a function at once; the rest wait their
  // turn, as Lambda throttles and retries asynchronous events.
  const running = new Map(); // function key -> count
  const waiting = new Map(); // function key -> [resolve]

  async function slot(fn) {
    if (!fn.reservedConcurrency) return;
    const count = running.get(fn.key) ?? 0;
    if (count < fn.reservedConcurrency) {
      running.set(fn.key, count + 1);
      return;
    }
    await new Promise((resolve) => {
      const queue = waiting.get(fn.key) ?? [];
      queue.push(resolve);
      waiting.set(fn.key, queue);
    });
  }

  function release(fn) {
    if (!fn.reservedConcurrency) return;
    const next = waiting.get(fn.key)?.shift();
    if (next) next(); // the slot passes straight on
    else running.set(fn.key, (running.get(fn.key) ?? 1) - 1);
  }

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function run(fn, event) {
    const queuedAt = Date.now();
    const maximumAgeMs = (fn.maximumEventAge ?? MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    let result;
    let condition = 'RetriesExhausted';
    let invokes = 0;
    let notInvokedDelay = retryDelayMs;
    for (let attempt = 0; attempt <= fn.maximumRetryAttempts; ) {
      if (stopped) return;
      await slot(fn);
      try {
        result = await invokeSync(fn, event);
      } catch (error) {
        result = { ok: false, functionError: 'ServiceException', payload: { errorMessage: error.message }, notInvoked: notInvoked(error) };
      } finally {
        release(fn);
      }
      if (result.ok) return;
      if (result.notInvoked) {
        if (Date.now() - queuedAt >= maximumAgeMs) {
          condition = 'EventAgeExceeded';
          break;
        }
        await wait(notInvokedDelay);
        notInvokedDelay = Math.min(notInvokedDelay * 2, NOT_INVOKED_MAX_DELAY_MS);
        continue;
      }
      invokes += 1;
      log(`${fn.key}: asynchronous invocation failed (attempt ${attempt + 1} of ${fn.maximumRetryAttempts + 1}): ${result.payload?.errorMessage ?? result.functionError}`);
      attempt += 1;
      if (attempt <= fn.maximumRetryAttempts) await wait(retryDelayMs * 2 ** (attempt - 1));
    }
    if (stopped) return;
    if (fn.onFailure) {
      await destinations.send(fn.onFailure, asyncFailureRecord(fn, event, result, invokes, condition));
      log(`${fn.key}: event sent to on-failure destination ${fn.onFailure} (${condition})`);
    } else {
      log(`${fn.key}: event dropped after ${invokes} attempts (${condition}; no on-failure destination)`);
    }
  }

  return {
    invoke(fn, event) {
      const job = run(fn, event).catch((error) => log(`${fn.key}: asynchronous delivery failed: ${error.stack}`));
      inFlight.add(job);
      job.finally(() => inFlight.delete(job));
      return job;
    },
    /** Resolves once every invocation started so far has been delivered or given up. */
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      stopped = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}

module.exports = { invokeSync, createAsyncInvoker, notInvoked, ASYNC_RETRY_DELAY_MS };
