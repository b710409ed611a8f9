'use strict';

// Preloaded into each serverless-offline process. serverless-offline runs every function in a worker
// thread whose output is merged into its own; this gives each worker its own stdout and stderr and
// marks every line with the function's name, so the local cloud can say which function wrote it.

const module_ = require('node:module');
const readline = require('node:readline');
const workerThreads = require('node:worker_threads');

const { Worker } = workerThreads;

class LabelledWorker extends Worker {
  constructor(filename, options = {}) {
    super(filename, { ...options, stdout: true, stderr: true });
    const functionKey = options.workerData?.functionKey ?? 'worker';
    for (const [stream, out] of [[this.stdout, process.stdout], [this.stderr, process.stderr]]) {
      readline.createInterface({ input: stream }).on('line', (line) => out.write(`λ ${functionKey}\t${line}\n`));
    }
  }
}

workerThreads.Worker = LabelledWorker;
// serverless-offline imports node:worker_threads as an ES module: publish the change to it too.
module_.syncBuiltinESMExports();
