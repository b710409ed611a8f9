import { eventually } from '../../src';

describe('eventually', () => {
  it('returns the first result that does not throw', async () => {
    let calls = 0;
    const result = await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return calls;
    }, { interval: 1 });
    expect(result).toBe(3);
  });

  it('gives up at the deadline with the last failure', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      eventually(() => {
        calls += 1;
        throw new Error(`attempt ${calls} failed`);
      }, { timeout: 50, interval: 10 }),
    ).rejects.toThrow(/still failing after 50 ms \(\d+ tries\): attempt \d+ failed/);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toBeGreaterThan(1);
  });
});
