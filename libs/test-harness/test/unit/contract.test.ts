import { retryAfterMs } from '../../src';

describe('retryAfterMs', () => {
  it("waits the answer's Retry-After in seconds (0 is at once, at most 5 s), and a second when there is none to read", () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs('120')).toBe(5_000);
    for (const none of [null, undefined, '', 'Wed, 21 Oct 2026 07:28:00 GMT', '-1']) expect(retryAfterMs(none)).toBe(1_000);
  });
});
