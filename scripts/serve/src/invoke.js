'use strict';

// One invocation of a served function, as the Lambda runtime makes it: a fresh context (request
// id, remaining time from the function's timeout, its name and memory size), a promise or a
// callback handler, and the function's timeout applied — past it the caller is answered that the
// task timed out (the handler's promise cannot be stopped, in one process; its result is dropped).

const crypto = require('node:crypto');

function lambdaContext(fn, { region, accountId }, deadline) {
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${fn.name}`,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: 'served',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  return context;
}

/** Resolves {ok: true, result} or {ok: false, errorType, errorMessage}; never rejects. */
function createInvoker({ region, accountId, onInvoked = () => {} }) {
  return function invoke(fn, event) {
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const context = lambdaContext(fn, { region, accountId }, deadline);
    onInvoked(fn);
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const failed = (error) =>
        settle({ ok: false, errorType: error?.name ?? 'Error', errorMessage: error?.message ?? String(error) });
      const timer = setTimeout(
        () => settle({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds` }),
        fn.timeoutSeconds * 1000,
      );
      try {
        const callback = (error, result) => (error ? failed(error) : settle({ ok: true, result }));
        const returned = fn.handler(event, context, callback);
        if (returned && typeof returned.then === 'function') returned.then((result) => settle({ ok: true, result }), failed);
        else if (fn.handler.length < 3) settle({ ok: true, result: returned });
      } catch (error) {
        failed(error);
      }
    });
  };
}

module.exports = { createInvoker, lambdaContext };
