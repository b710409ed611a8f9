// @ts-check
'use strict';

// The concurrency model of a function in the local cloud: a bounded pool of workers per function,
// excess invocations queued in arrival order. serverless-offline's own pool starts a new worker
// thread whenever a request finds every worker of the function busy, so a burst of N concurrent
// requests on a cold function starts N workers at once; on two cores every start slows the others,
// which leaves more requests waiting, which start more workers (issue 13: 127 of 2,000 answered).
// Here a function has at most `size` workers (LOCAL_CLOUD_WORKERS_PER_FUNCTION, default 4), or its
// `reservedConcurrency` when lower; an invocation that finds them all busy waits for the first to
// come free instead of starting another. LOCAL_CLOUD_WORKERS_PER_FUNCTION=unbounded keeps
// serverless-offline's own model (to compare). Lambda on AWS scales out instead (up to the account's
// concurrency, throttling past a function's reserved concurrency with 429 TooManyRequests); that
// throttling is AWS's and is not emulated: locally the excess waits.
// Installed into serverless-offline's LambdaFunctionPool by offline-loader.mjs.

const DEFAULT_SIZE = 4;

/**
 * The workers a function may run at once.
 * @param {{ reservedConcurrency?: number } | undefined} definition
 * @param {number} size
 */
function poolLimit(definition, size) {
  const reserved = definition?.reservedConcurrency;
  return typeof reserved === 'number' && reserved > 0 ? Math.min(reserved, size) : size;
}

/** One function's slots: how many run, and who waits (in arrival order). */
class FunctionSlots {
  /** @param {number} limit */
  constructor(limit) {
    this.limit = limit;
    this.running = 0;
    /** @type {(() => void)[]} */
    this.waiting = [];
  }

  /** @returns {Promise<void>} */
  acquire() {
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(undefined)));
  }

  release() {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight on
    else this.running -= 1;
  }
}

/**
 * Makes `LambdaFunctionPool` (serverless-offline's class) hand out leases: each `get` returns an
 * object with the calls serverless-offline makes on a function (setEvent, setClientContext,
 * runHandler); its runHandler waits for a slot, then takes an idle worker from the original pool
 * (or starts one: never more than the limit, since no more run at once) and runs on it. Taking the
 * worker and starting it happen in one turn, so no two invocations take the same idle worker.
 * @param {{ prototype: { get: (functionKey: string, definition: any) => any } }} LambdaFunctionPool
 * @param {{ size?: number }} [options]
 */
function boundFunctionPool(LambdaFunctionPool, { size = Number(process.env.LOCAL_CLOUD_WORKERS_PER_FUNCTION) || DEFAULT_SIZE } = {}) {
  if (process.env.LOCAL_CLOUD_WORKERS_PER_FUNCTION === 'unbounded') return;
  const originalGet = LambdaFunctionPool.prototype.get;
  /** @type {WeakMap<object, Map<string, FunctionSlots>>} */
  const slotsByPool = new WeakMap();
  /** @this {object} @param {string} functionKey @param {any} definition */
  function boundedGet(functionKey, definition) {
    return leaseFrom(this, functionKey, definition);
  }
  LambdaFunctionPool.prototype.get = boundedGet;

  /** @param {object} pool @param {string} functionKey @param {any} definition */
  function leaseFrom(pool, functionKey, definition) {
    const slotsOfPool = slotsByPool.get(pool) ?? new Map();
    slotsByPool.set(pool, slotsOfPool);
    const slots = slotsOfPool.get(functionKey) ?? new FunctionSlots(poolLimit(definition, size));
    slotsOfPool.set(functionKey, slots);
    /** @type {unknown} */
    let event;
    /** @type {unknown} */
    let clientContext;
    let clientContextSet = false;
    return {
      setEvent(/** @type {unknown} */ value) {
        event = value;
      },
      setClientContext(/** @type {unknown} */ value) {
        clientContext = value;
        clientContextSet = true;
      },
      async runHandler() {
        await slots.acquire();
        try {
          const worker = originalGet.call(pool, functionKey, definition);
          if (clientContextSet) worker.setClientContext(clientContext);
          worker.setEvent(event);
          return await worker.runHandler();
        } finally {
          slots.release();
        }
      },
    };
  }
}

module.exports = { boundFunctionPool, poolLimit, FunctionSlots, DEFAULT_SIZE };
