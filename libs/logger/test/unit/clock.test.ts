import { isoNow } from '../../src/clock';

describe('the log clock', () => {
  afterEach(() => jest.useRealTimers());

  // First: the clock's memory is the module's, and this is about its very first call.
  it('gives the epoch as the epoch, not as a blank (a fake clock may start there)', () => {
    jest.useFakeTimers({ now: 0 });
    expect(isoNow()).toBe('1970-01-01T00:00:00.000Z');
  });

  it('gives the current time in ISO 8601, to the millisecond, as it moves', () => {
    jest.useFakeTimers({ now: new Date('2026-02-03T04:05:06.007Z') });
    expect(isoNow()).toBe('2026-02-03T04:05:06.007Z');
    expect(isoNow()).toBe('2026-02-03T04:05:06.007Z');
    jest.advanceTimersByTime(1);
    expect(isoNow()).toBe('2026-02-03T04:05:06.008Z');
    jest.setSystemTime(new Date('2025-01-01T00:00:00.000Z'));
    expect(isoNow()).toBe('2025-01-01T00:00:00.000Z');
  });
});
