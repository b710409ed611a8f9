// @ts-check
'use strict';

// The concurrency model of a function in the local cloud: a bounded pool of workers per function,
// excess invocations queued in arrival order. serverless-offline's own pool starts a new worker
// thread whenever a request finds every worker of the function busy, so a burst of N concurrent
// requests on a cold function starts N workers at once; on two cores every start slows the others,
// which leaves more requests waiting, which start more workers (issue 13: 127 of 2,000 answered).
// Here a function has at most `size` workers (LOCAL_CLOUD_WORKERS_PER_FUNCTION, default 16), or its
// `reservedConcurrency` when lower, and starts them one at a time: an invocation that finds every
// worker busy starts another only if none of the function's is starting, and otherwise waits for
// the first to come free (or for the start to end). A function whose invocations wait on I/O (a
// DynamoDB query) grows to what its arrival rate needs, as Lambda scales out, without the storm of
// simultaneous starts; a CPU-bound one stops growing where its workers keep up. The default was 4:
// GET /feed at 100/s, 78 ms a query on a loaded machine, needs about 8 at once, and 4 queued it
// into 504s. LOCAL_CLOUD_WORKERS_PER_FUNCTION=unbounded keeps
// serverless-offline's own model (to compare). Lambda on AWS scales out instead (up to the account's
// concurrency, throttling past a function's reserved concurrency with 429 TooManyRequests); that
// throttling is AWS's and is not emulated: locally the excess waits.
// Installed into serverless-offline's LambdaFunctionPool by offline-loader.mjs.

const DEFAULT_SIZE = 16;

/**
 * The workers a function may run at once.
 * @param {{ reservedConcurrency?: number } | undefined} definition
 * @param {number} size
 */
function poolLimit(definition, size) {
  const reserved = definition?.reservedConcurrency;
  return typeof reserved === 'number' && reserved > 0 ? Math.min(reserved, size) : size;
}

/**
 * One function's slots: how many run, how many workers it has, and who waits (in arrival order).
 * A slot past the workers it has means starting one, and only one start runs at a time.
 */
class FunctionSlots {
  /** @param {number} limit */
  constructor(limit) {
    this.limit = limit;
    this.running = 0;
    /** workers started (or starting): an invocation beyond them starts another */
    this.workers = 0;
    this.starting = false;
    /** @type {((starts: boolean) => void)[]} */
    this.waiting = [];
  }

  /** Whether a slot is free now, and whether taking it starts a worker. */
  free() {
    if (this.running >= this.limit) return undefined;
    if (this.running < this.workers) return { starts: false };
    return this.starting ? undefined : { starts: true };
  }

  /** @param {boolean} starts */
  take(starts) {
    this.running += 1;
    if (starts) {
      this.workers += 1;
      this.starting = true;
    }
    return starts;
  }

  /**
   * Resolves with whether this invocation starts a new worker (pass it to release).
   * @returns {Promise<boolean>}
   */
  acquire() {
    const slot = this.free(); // none is free while any waits: release hands each free one on
    if (slot) return Promise.resolve(this.take(slot.starts));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** @param {boolean} started this invocation started its worker (its first run is over, so is the start) */
  release(started) {
    this.running -= 1;
    if (started) this.starting = false;
    this.admit();
  }

  /** Hands free slots to the waiting, in arrival order. */
  admit() {
    for (let slot = this.free(); slot && this.waiting.length > 0; slot = this.free()) {
      const next = /** @type {(starts: boolean) => void} */ (this.waiting.shift());
      next(this.take(slot.starts));
    }
  }

  /** A worker is gone (serverless-offline ended it after an error or a timeout): one fewer to reuse. */
  lost() {
    this.workers = Math.max(this.running, this.workers - 1);
    this.admit();
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
        const starts = await slots.acquire();
        let failed = false;
        try {
          const worker = originalGet.call(pool, functionKey, definition);
          if (clientContextSet) worker.setClientContext(clientContext);
          worker.setEvent(event);
          return await worker.runHandler();
        } catch (error) {
          failed = true;
          throw error;
        } finally {
          slots.release(starts);
          // serverless-offline ends a worker whose invocation timed out or crashed it; a handler's
          // own error leaves it running, and counting it gone only lets one more start later.
          if (failed) slots.lost();
        }
      },
    };
  }
}

module.exports = { boundFunctionPool, poolLimit, FunctionSlots, DEFAULT_SIZE };
