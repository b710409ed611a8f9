'use strict';

// Runs one bundled variant warm, in a process of its own: `invocations` calls, each with a fresh
// context, yielding to the event loop between calls as the Lambda runtime does. stdout (where the
// log lines go) is /dev/null; the result goes to stderr as JSON.
const { randomUUID } = require('node:crypto');

const [bundlePath, invocationsArg, warmupArg] = process.argv.slice(2);
const invocations = Number(invocationsArg);
const warmup = Number(warmupArg);
const { handler } = require(bundlePath);

const event = {
  resource: '/yubls',
  path: '/yubls',
  httpMethod: 'POST',
  headers: { 'content-type': 'application/json', 'x-correlation-id': 'bench-correlation-id', 'user-agent': 'bench' },
  multiValueHeaders: {},
  queryStringParameters: null,
  pathParameters: null,
  body: '{"text":"hello from the benchmark"}',
  isBase64Encoded: false,
  requestContext: { requestId: 'bench-request', stage: 'bench' },
};

const requestIds = Array.from({ length: 1024 }, () => randomUUID());
const context = (i) => {
  const deadline = Date.now() + 6000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bench-function',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:bench-function',
    memoryLimitInMB: '1024',
    awsRequestId: requestIds[i % requestIds.length],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

(async () => {
  // Each call gets its own copy of the event: middlewares may rewrite it (a parsed body, say).
  for (let i = 0; i < warmup; i += 1) {
    await handler({ ...event, headers: { ...event.headers } }, context(i));
    await tick();
  }
  const started = process.hrtime.bigint();
  for (let i = 0; i < invocations; i += 1) {
    await handler({ ...event, headers: { ...event.headers } }, context(i));
    await tick();
  }
  const elapsed = Number(process.hrtime.bigint() - started);
  const response = await handler({ ...event, headers: { ...event.headers } }, context(0));
  process.stderr.write(`${JSON.stringify({ usPerInvocation: elapsed / 1000 / invocations, statusCode: response.statusCode })}\n`);
})();
