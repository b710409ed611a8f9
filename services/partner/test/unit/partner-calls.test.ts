import { answerOf, PartnerBusyError, untilAnswered, type PartnerAnswer } from '../../src/partner-calls';

describe('what the partner`s answer means', () => {
  it('201 and 409 with an account id are created; 429 and 5xx busy; any other 4xx refused', () => {
    expect(answerOf(201, { accountId: 'a1' })).toEqual({ kind: 'created', accountId: 'a1' });
    expect(answerOf(409, { accountId: 'a1' })).toEqual({ kind: 'created', accountId: 'a1' });
    expect(answerOf(409, {})).toMatchObject({ kind: 'busy' });
    for (const status of [429, 500, 502, 503, 504]) expect(answerOf(status, undefined)).toMatchObject({ kind: 'busy' });
    expect(answerOf(422, { error: 'validation refused', reason: 'expired' })).toEqual({ kind: 'refused', reason: 'the partner answered 422: expired' });
    expect(answerOf(400, { error: 'bad' })).toEqual({ kind: 'refused', reason: 'the partner answered 400: bad' });
    expect(answerOf(401, undefined)).toEqual({ kind: 'refused', reason: 'the partner answered 401: no reason given' });
  });
});

describe('waiting out a busy partner', () => {
  const busy: PartnerAnswer = { kind: 'busy', why: 'the partner answered 503' };
  const clock = () => {
    let now = 0;
    return { remainingMs: (total: number) => () => total - now, sleep: async (ms: number) => void (now += ms), slept: () => now };
  };

  it('calls again after growing pauses until the partner answers', async () => {
    const answers: PartnerAnswer[] = [busy, busy, busy, { kind: 'created', accountId: 'a1' }];
    const c = clock();
    const pauses: number[] = [];
    const result = await untilAnswered(async () => answers.shift()!, {
      remainingMs: c.remainingMs(30_000),
      callTimeoutMs: 3_000,
      random: () => 1,
      sleep: async (ms) => {
        pauses.push(ms);
        await c.sleep(ms);
      },
    });
    expect(result).toEqual({ kind: 'created', accountId: 'a1', attempts: 4 });
    expect(pauses).toEqual([100, 200, 400]);
  });

  it('pauses at most maxDelayMs, with jitter of up to half', async () => {
    const pauses: number[] = [];
    const answers: PartnerAnswer[] = [...Array<PartnerAnswer>(7).fill(busy), { kind: 'refused', reason: 'no' }];
    await untilAnswered(async () => answers.shift()!, { remainingMs: () => 60_000, callTimeoutMs: 1_000, random: () => 0, sleep: async (ms) => void pauses.push(ms) });
    expect(pauses).toEqual([50, 100, 200, 400, 800, 1_000, 1_000]);
  });

  it('gives up, for Lambda`s retries, when another call would not fit in the invocation`s time', async () => {
    const c = clock();
    let calls = 0;
    await expect(
      untilAnswered(async () => ((calls += 1), busy), { remainingMs: c.remainingMs(8_000), callTimeoutMs: 3_000, reserveMs: 1_000, random: () => 1, sleep: c.sleep }),
    ).rejects.toThrow(PartnerBusyError);
    // 100+200+400+800+1600 = 3100 slept; the next pause (2000) would leave 2900 < 3000 + 1000.
    expect(calls).toBe(6);
    expect(c.slept()).toBe(3_100);
  });
});
