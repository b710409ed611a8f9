import { boundFunctionPool, poolLimit } from '../../src/function-pool';

/** A stand-in for serverless-offline's LambdaFunctionPool: an idle worker if any, else a new one. */
class OfflinePool {
  workers: { status: string; event?: unknown; runs: number; setEvent(e: unknown): void; setClientContext(): void; runHandler(): Promise<unknown> }[] = [];
  open: (() => void)[] = [];

  get(_functionKey: string, _definition: unknown): OfflinePool['workers'][number] {
    const idle = this.workers.find((w) => w.status === 'IDLE');
    if (idle) return idle;
    const { open } = this;
    const worker = {
      status: 'IDLE',
      event: undefined as unknown,
      runs: 0,
      setEvent(e: unknown) {
        this.event = e;
      },
      setClientContext() {},
      async runHandler() {
        this.status = 'BUSY';
        this.runs += 1;
        const event = this.event;
        await new Promise<void>((resolve) => open.push(resolve));
        this.status = 'IDLE';
        return event;
      },
    };
    this.workers.push(worker);
    return worker;
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the bounded pool of workers per function', () => {
  it('runs at most `size` invocations of a function at once, on as many workers, and queues the rest in arrival order', async () => {
    class Pool extends OfflinePool {}
    boundFunctionPool(Pool, { size: 2 });
    const pool = new Pool();
    const answers = [1, 2, 3, 4, 5].map((n) => {
      const lease = pool.get('fn', {});
      lease.setEvent(n);
      return lease.runHandler();
    });
    await turn();
    expect(pool.workers).toHaveLength(2);
    expect(pool.open).toHaveLength(2);
    while (pool.open.length > 0) {
      pool.open.shift()!();
      await turn();
    }
    expect(await Promise.all(answers)).toEqual([1, 2, 3, 4, 5]);
    expect(pool.workers).toHaveLength(2);
    expect(pool.workers.map((w) => w.runs).reduce((a, b) => a + b)).toBe(5);
  });

  it('honours reservedConcurrency below the pool size', async () => {
    expect(poolLimit({ reservedConcurrency: 1 }, 4)).toBe(1);
    expect(poolLimit({ reservedConcurrency: 10 }, 4)).toBe(4);
    expect(poolLimit({}, 4)).toBe(4);
    class Pool extends OfflinePool {}
    boundFunctionPool(Pool, { size: 4 });
    const pool = new Pool();
    const runs = [1, 2, 3].map(() => pool.get('subscribe', { reservedConcurrency: 1 }).runHandler());
    await turn();
    expect(pool.open).toHaveLength(1);
    while (pool.open.length > 0) {
      pool.open.shift()!();
      await turn();
    }
    await Promise.all(runs);
    expect(pool.workers).toHaveLength(1);
  });

  it('bounds each function on its own', async () => {
    class Pool extends OfflinePool {}
    boundFunctionPool(Pool, { size: 1 });
    const pool = new Pool();
    const runs = ['a', 'b', 'a'].map((key) => pool.get(key, {}).runHandler());
    await turn();
    expect(pool.open).toHaveLength(2); // one of a, one of b; the second a waits
    while (pool.open.length > 0) {
      pool.open.shift()!();
      await turn();
    }
    await Promise.all(runs);
  });
});
