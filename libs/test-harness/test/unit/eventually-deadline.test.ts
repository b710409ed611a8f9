import { eventually } from '../../src';

// On a fake clock, so that the tries can be counted exactly.
describe('eventually, against its deadline', () => {
  afterEach(() => jest.useRealTimers());

  const failing = () => {
    throw new Error('not yet');
  };

  it('tries again while another try fits before the deadline, and gives up when none does', async () => {
    jest.useFakeTimers();
    const outcome = eventually(failing, { timeout: 50, interval: 50 }).catch((error: Error) => error);
    await jest.advanceTimersByTimeAsync(500);
    const error = await outcome;
    expect(error.message).toBe('still failing after 50 ms (2 tries): not yet');
    expect((error.cause as Error).message).toBe('not yet');
  });

  it('says why in the words of whatever was thrown', async () => {
    jest.useFakeTimers();
    const outcome = eventually(() => Promise.reject('plain text'), { timeout: 10, interval: 10 }).catch((error: Error) => error);
    await jest.advanceTimersByTimeAsync(100);
    expect((await outcome).message).toBe('still failing after 10 ms (2 tries): plain text');
  });
});
