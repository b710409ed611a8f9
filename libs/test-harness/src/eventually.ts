export interface EventuallyOptions {
  /** give up after this many milliseconds (default 10 s) */
  timeout?: number;
  /** wait this long between tries (default 100 ms) */
  interval?: number;
}

/**
 * Retries `check` until it returns without throwing, and returns what it returned; after the
 * deadline, throws the last failure. For eventually consistent outcomes: never a fixed sleep.
 */
export async function eventually<T>(check: () => T | Promise<T>, { timeout = 10_000, interval = 100 }: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + timeout;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() + interval > deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`still failing after ${timeout} ms (${attempt} tries): ${reason}`, { cause: error });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
