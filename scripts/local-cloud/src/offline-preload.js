'use strict';

// Preloaded into each serverless-offline process, which runs every function in a worker thread.
// 1. Each worker gets its own stdout and stderr, every line marked with the function's name, so
//    that the local cloud can say which function wrote it (serverless-offline merges them).
// 2. Environment variables whose value is a CloudFormation intrinsic (`Ref: HopsTopic`) get the
//    value the local cloud rendered for them (serverless-offline would pass the logical id), from
//    LOCAL_CLOUD_FUNCTION_ENV: {"functionKey": {"NAME": "value"}}.

const module_ = require('node:module');
const readline = require('node:readline');
const workerThreads = require('node:worker_threads');

const { Worker } = workerThreads;
const renderedEnv = JSON.parse(process.env.LOCAL_CLOUD_FUNCTION_ENV || '{}');

class LabelledWorker extends Worker {
  constructor(filename, options = {}) {
    const functionKey = options.workerData?.functionKey ?? 'worker';
    const env = options.env && renderedEnv[functionKey] ? { ...options.env, ...renderedEnv[functionKey] } : options.env;
    super(filename, { ...options, env, stdout: true, stderr: true });
    for (const [stream, out] of [[this.stdout, process.stdout], [this.stderr, process.stderr]]) {
      readline.createInterface({ input: stream }).on('line', (line) => out.write(`λ ${functionKey}\t${line}\n`));
    }
  }
}

workerThreads.Worker = LabelledWorker;
// serverless-offline imports node:worker_threads as an ES module: publish the change to it too.
module_.syncBuiltinESMExports();
