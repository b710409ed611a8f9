'use strict';

// Preloaded into each serverless-offline process, which runs every function in a worker thread.
// 1. Each worker is one log stream, named as Lambda names them (`2026/12/01/[$LATEST]<hex>`), with
//    its own stdout and stderr: every line goes out as `λ <function>\t<stream>\t<line>`, so that the
//    local cloud can store it in the function's log group (serverless-offline merges them).
// 2. Around every invocation the worker's stream gets the lines Lambda's platform writes: START,
//    END and REPORT (duration, billed duration, memory; init duration on a worker's first).
//    Differences from AWS: "Init Duration" is the worker thread's start-up until it is online (the
//    handler module's own load falls into the first Duration, where AWS counts it as init), and
//    "Max Memory Used" is the serverless-offline process's resident set, shared by its workers.
//    An invocation that outruns the function's timeout (serverless-offline terminates its worker)
//    ends as Lambda ends one: "Task timed out after N seconds", END, REPORT with `Status: timeout`.
// 3. serverless-offline is not shown `schedule` events: the local cloud's EventBridge runs them
//    (src/event-sources/eventbridge.js), with Lambda's asynchronous semantics and rules DisableRule can switch
//    off; two schedulers would run every scheduled function twice.
// 4. A JSON body reaches the function as it was sent, a bare JSON string too (offline-loader.mjs).
// 5. Environment variables whose value is a CloudFormation intrinsic (`Ref: HopsTopic`) get the
//    value the local cloud rendered for them (serverless-offline would pass the logical id), from
//    LOCAL_CLOUD_FUNCTION_ENV: {"functionKey": {"NAME": "value"}}.
// 6. The context's invokedFunctionArn is the function's ARN, as Lambda's is (serverless-offline
//    passes `offline_invokedFunctionArn_for_<name>`), in the local cloud's account.
// 7. serverless-esbuild's bundles come from the bundle cache while their sources are unchanged
//    (bundle-cache.js): a start with nothing changed runs no esbuild.
// 8. Less start-up CPU, the framework's work otherwise unchanged: the configuration's schema
//    validation is skipped when LOCAL_CLOUD_CONFIG_VALIDATED=1 (the local cloud sets it: the
//    `serverless print` it ran before, or whose answer its cache holds, validated the same
//    configuration with the same plugins), and serverless-esbuild's `effect` and ramda barrels load
//    each module when first used (lazy-barrels.js).

const crypto = require('node:crypto');
const module_ = require('node:module');
const readline = require('node:readline');
const workerThreads = require('node:worker_threads');

const { MessageChannel, Worker } = workerThreads;
const renderedEnv = JSON.parse(process.env.LOCAL_CLOUD_FUNCTION_ENV || '{}');

function streamName() {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${crypto.randomBytes(16).toString('hex')}`;
}

const mb = (/** @type {number} */ bytes) => Math.ceil(bytes / (1024 * 1024));
// serverless-offline's timer starts before the invocation reaches the worker (on a worker's first,
// after loading its runner): a terminate in the timeout's last tenth is the timeout's.
const TIMEOUT_SLACK_SHARE = 0.1;

/** @typedef {{ requestId: string, started: number, coldStart: boolean, memoryMb: number }} Invocation */

class LabelledWorker extends Worker {
  /** @param {string | URL} filename @param {import('node:worker_threads').WorkerOptions} [options] */
  constructor(filename, options = {}) {
    /** @type {string} */
    const functionKey = options.workerData?.functionKey ?? 'worker';
    // serverless-offline passes the function's environment as an object (never SHARE_ENV).
    const workerEnv = /** @type {Record<string, string> | undefined} */ (options.env);
    const env = workerEnv && renderedEnv[functionKey] ? { ...workerEnv, ...renderedEnv[functionKey] } : workerEnv;
    super(filename, { ...options, env, stdout: true, stderr: true });
    const started = performance.now();
    this.functionKey = functionKey;
    this.stream = streamName();
    /** @type {number | undefined} */
    this.initMs = undefined;
    this.invocations = 0;
    /** the function's timeout, as serverless-offline gives it to the worker (ms) */
    this.timeoutMs = /** @type {number | undefined} */ (options.workerData?.timeout);
    /** @type {Invocation | undefined} the invocation the worker is running */
    this.inFlight = undefined;
    this.once('online', () => {
      this.initMs = performance.now() - started;
    });
    for (const [stream, out] of /** @type {const} */ ([[this.stdout, process.stdout], [this.stderr, process.stderr]])) {
      readline.createInterface({ input: stream }).on('line', (line) => out.write(`λ ${functionKey}\t${this.stream}\t${line}\n`));
    }
  }

  /** @param {string} line */
  platformLine(line) {
    process.stdout.write(`λ ${this.functionKey}\t${this.stream}\t${line}\n`);
  }

  /**
   * END and REPORT for an invocation that took `duration` ms; a timed-out one's REPORT is billed
   * the whole timeout and says `Status: timeout`, as Lambda's does.
   * @param {Invocation} invocation @param {number} duration @param {number} [timedOutAfter]
   */
  endLines({ requestId, coldStart, memoryMb }, duration, timedOutAfter) {
    const init = coldStart && this.initMs !== undefined ? `\tInit Duration: ${this.initMs.toFixed(2)} ms` : '';
    const billed = timedOutAfter ?? Math.ceil(duration);
    this.platformLine(`END RequestId: ${requestId}`);
    this.platformLine(
      `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms\t` +
        `Memory Size: ${memoryMb} MB\tMax Memory Used: ${mb(process.memoryUsage.rss())} MB${init}\t${timedOutAfter === undefined ? '' : 'Status: timeout\t'}`,
    );
  }

  /**
   * serverless-offline terminates a worker whose invocation outran the function's timeout (and
   * idle workers, and all of them when it stops). For the first, Lambda writes the invocation's
   * last lines itself: "Task timed out after N seconds", END, REPORT with `Status: timeout`.
   * A worker stopped mid-invocation before its timeout (serverless-offline shutting down) gets none.
   * @override
   */
  terminate() {
    const invocation = this.inFlight;
    this.inFlight = undefined;
    const elapsed = invocation ? performance.now() - invocation.started : 0;
    if (invocation && this.timeoutMs !== undefined && elapsed >= this.timeoutMs * (1 - TIMEOUT_SLACK_SHARE)) {
      // Never less than the timeout: the platform's clock started before ours.
      const duration = Math.max(elapsed, this.timeoutMs);
      this.platformLine(`${new Date().toISOString()} ${invocation.requestId} Task timed out after ${(duration / 1000).toFixed(2)} seconds`);
      this.endLines(invocation, duration, this.timeoutMs);
    }
    return super.terminate();
  }

  /**
   * serverless-offline posts each invocation as {context, event, port} and the worker answers on
   * `port`. Here the worker answers on a port of ours instead, which notes the end and passes the
   * answer on unchanged.
   * @override
   * @param {any} message
   * @param {readonly import('node:worker_threads').Transferable[]} [transferList]
   */
  postMessage(message, transferList) {
    if (!message || typeof message !== 'object' || !message.port || !message.context) return super.postMessage(message, transferList);
    const { context, port: answerPort } = message;
    const requestId = context.awsRequestId;
    const coldStart = this.invocations === 0;
    this.invocations += 1;
    const { port1, port2 } = new MessageChannel();
    const started = performance.now();
    this.platformLine(`START RequestId: ${requestId} Version: ${context.functionVersion ?? '$LATEST'}`);
    const invocation = { requestId, started, coldStart, memoryMb: context.memoryLimitInMB };
    this.inFlight = invocation;
    port1.once('message', (/** @type {unknown} */ answer) => {
      port1.close();
      this.inFlight = undefined;
      this.endLines(invocation, performance.now() - started);
      answerPort.postMessage(answer);
      answerPort.close();
    });
    const functionName = context.functionName;
    const invokedFunctionArn = `arn:aws:lambda:${process.env.AWS_REGION}:${process.env.LOCAL_CLOUD_ACCOUNT_ID}:function:${functionName}`;
    const lambdaContext = { ...context, invokedFunctionArn, logGroupName: `/aws/lambda/${functionName}`, logStreamName: this.stream };
    return super.postMessage({ ...message, context: lambdaContext, port: port2 }, [port2]);
  }
}

if (workerThreads.isMainThread) {
  require('./bundle-cache').install({ log: (line) => process.stdout.write(`${line}\n`) });
  module_.register(require('node:url').pathToFileURL(require('node:path').join(__dirname, 'offline-loader.mjs')));
  const frameworkPaths = { paths: [process.cwd(), __dirname] };
  const Service = require(require.resolve('serverless/lib/classes/service.js', frameworkPaths));
  if (process.env.LOCAL_CLOUD_CONFIG_VALIDATED === '1') {
    const ConfigSchemaHandler = require(require.resolve('serverless/lib/classes/config-schema-handler/index.js', frameworkPaths));
    ConfigSchemaHandler.prototype.validateConfig = async function validatedByPrint() {};
  }
  require('./lazy-barrels').installServerlessEsbuildBarrels(process.cwd());
  const allEvents = Service.prototype.getAllEventsInFunction;
  /** @this {unknown} @param {string} functionKey */
  Service.prototype.getAllEventsInFunction = function withoutSchedules(functionKey) {
    return (allEvents.call(this, functionKey) ?? []).filter((/** @type {{ schedule?: unknown }} */ event) => !event.schedule);
  };
}

workerThreads.Worker = LabelledWorker;
// serverless-offline imports node:worker_threads as an ES module: publish the change to it too.
module_.syncBuiltinESMExports();
