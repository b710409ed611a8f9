'use strict';

// The functions of every service, as the Lambda service knows them: where each one runs locally
// (its serverless-offline's Lambda port), and the settings AWS applies around an invocation.

const crypto = require('node:crypto');
const { invokeServed } = require('./served');

/** Invokes a function synchronously through its serverless-offline; never throws for a function error. */
async function invokeSync(fn, event) {
  // A function whose service is served outside Lambda (src/served.js) runs there.
  if (fn.servedUrl) return invokeServed(fn, event);
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

/** The record Lambda sends to an on-failure destination after an asynchronous invocation gives up. */
function asyncFailureRecord(fn, event, result, invokeCount) {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: crypto.randomUUID(),
      functionArn: `${fn.arn}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: invokeCount,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: result.functionError },
    responsePayload: result.payload,
  };
}

/**
 * Asynchronous invocation with Lambda's semantics: up to `maximumRetryAttempts` retries (default 2)
 * with growing delays (AWS waits about a minute, then two; locally `retryDelayMs`, then double), then
 * the function's on-failure destination. Resolves when the event is delivered or given up.
 */
function createAsyncInvoker({ destinations, log, retryDelayMs = 200 }) {
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

  async function run(fn, event) {
    let result;
    for (let attempt = 0; attempt <= fn.maximumRetryAttempts; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
      if (stopped) return;
      await slot(fn);
      try {
        result = await invokeSync(fn, event);
      } catch (error) {
        result = { ok: false, functionError: 'ServiceException', payload: { errorMessage: error.message } };
      } finally {
        release(fn);
      }
      if (result.ok) return;
      log(`${fn.key}: asynchronous invocation failed (attempt ${attempt + 1} of ${fn.maximumRetryAttempts + 1}): ${result.payload?.errorMessage ?? result.functionError}`);
    }
    if (fn.onFailure) {
      await destinations.send(fn.onFailure, asyncFailureRecord(fn, event, result, fn.maximumRetryAttempts + 1));
      log(`${fn.key}: event sent to on-failure destination ${fn.onFailure}`);
    } else {
      log(`${fn.key}: event dropped after ${fn.maximumRetryAttempts + 1} attempts (no on-failure destination)`);
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

module.exports = { invokeSync, createAsyncInvoker };
