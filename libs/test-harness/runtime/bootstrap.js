'use strict';

// A stand-in for the Node.js Lambda runtime's handling of one invocation, for what a test can only
// see in a real process: the runtime reports an invocation's result when the handler's promise
// settles, but while context.callbackWaitsForEmptyEventLoop is true (its default) only once the
// event loop is empty — an open socket or timer holds the invocation until its timeout.
// Usage: node bootstrap.js BUNDLE HANDLER_NAME TIMEOUT_MS; the event comes on stdin, the report
// goes to stderr as the last line: {"outcome":"result"|"error"|"timeout","value"?,"ms"}.

const { randomUUID } = require('node:crypto');

const [bundle, handlerName, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg);
const started = Date.now();
let reported = false;

function report(outcome, value) {
  if (reported) return;
  reported = true;
  process.stderr.write(`\n${JSON.stringify({ outcome, value, ms: Date.now() - started })}\n`);
  process.exit(0);
}

// The runtime ends an invocation at its timeout whatever holds it.
setTimeout(() => report('timeout'), timeoutMs).unref();

const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'runtime-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:runtime-test',
  memoryLimitInMB: '128',
  awsRequestId: randomUUID(),
  getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
};

function settle(outcome, value) {
  if (!context.callbackWaitsForEmptyEventLoop) return report(outcome, value);
  // Wait for the event loop to empty, as the runtime does; the timeout timer above is unref'd.
  process.once('beforeExit', () => report(outcome, value));
}

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const handler = require(bundle)[handlerName];
  Promise.resolve()
    .then(() => handler(JSON.parse(input || '{}'), context))
    .then(
      (value) => settle('result', value),
      (error) => settle('error', { message: error.message }),
    );
});
