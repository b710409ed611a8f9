import { buildContext, runWithContext } from '@yubl/correlation';
import { createLogger, MASKED } from '../../src';

const context = (carried: Record<string, string> = {}) =>
  buildContext({ 'x-correlation-id': 'corr-1', 'x-correlation-user-id': 'u-1', ...carried }, '', { awsRequestId: 'req-1', functionName: 'fn', functionVersion: '7' }, { debugSampleRate: 0, maxCallChainLength: 10 });

function capture(level?: 'debug' | 'info' | 'warn' | 'error', maskKeys?: string[]) {
  const lines: Record<string, any>[] = [];
  const log = createLogger({ level, maskKeys, write: (line) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('the logger', () => {
  it('writes one JSON object per line with level, message, timestamp, the function, the request id and every correlation id', () => {
    const { log, lines } = capture();
    runWithContext(context(), () => log.info('posted', { yublId: 'y1' }));
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'posted',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        function: 'fn',
        version: '7',
        awsRequestId: 'req-1',
        'x-correlation-id': 'corr-1',
        'x-correlation-user-id': 'u-1',
        'call-chain-length': 1,
        yublId: 'y1',
      },
    ]);
  });

  it('drops lines below its level, except debug lines in a call chain sampled for debug', () => {
    const { log, lines } = capture('info');
    runWithContext(context(), () => log.debug('quiet'));
    runWithContext(context({ 'debug-log-enabled': 'true' }), () => log.debug('loud'));
    expect(lines.map((line) => line.message)).toEqual(['loud']);
    expect(lines[0]!['debug-log-enabled']).toBe(true);
  });

  it('masks secrets under sensitive keys at any depth, bearer tokens and JWTs in any text, and configured keys', () => {
    const { log, lines } = capture('info', ['ssn']);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    log.info(`login with Bearer abc.def and ${jwt}`, {
      user: { username: 'ann', password: 'hunter22', profile: { ssn: '123' } },
      headers: { Authorization: 'Bearer xyz', 'X-Api-Key': 'k' },
      note: `token=${jwt}`,
      sql: 'connect with password=pa55word; then retry',
      list: [{ secret: 's' }],
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['hunter22', '"123"', 'xyz', '"k"', jwt, 'abc.def', '"s"', 'pa55word']) expect(text).not.toContain(secret);
    expect(lines[0]!.sql).toBe(`connect with password=${MASKED}; then retry`);
    expect(lines[0]).toMatchObject({ user: { username: 'ann', password: MASKED, profile: { ssn: MASKED } }, headers: { Authorization: MASKED } });
    expect(lines[0]!.message).toBe(`login with Bearer ${MASKED} and ${MASKED}`);
  });

  it('masks the correlation ids and user agent a client sent, as it masks fields', () => {
    const { log, lines } = capture('info', ['ssn']);
    const carried = { 'x-correlation-password': 'hunter22', 'x-correlation-ssn': '123', 'x-correlation-note': 'password=hunter22', 'user-agent': 'app token=hunter22' };
    runWithContext(context(carried), () => log.info('signed up'));
    expect(JSON.stringify(lines[0])).not.toContain('hunter22');
    expect(lines[0]).toMatchObject({ 'x-correlation-id': 'corr-1', 'x-correlation-password': MASKED, 'x-correlation-ssn': MASKED, 'x-correlation-note': `password=${MASKED}`, 'user-agent': `app token=${MASKED}` });
  });

  it('logs an error with its name, message and stack, and survives cycles', () => {
    const { log, lines } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    log.error('failed', new TypeError('bad input'));
    log.warn('cycle', { cyclic });
    expect(lines[0]!.error).toMatchObject({ name: 'TypeError', message: 'bad input', stack: expect.stringContaining('TypeError: bad input') });
    expect(lines[1]!.cyclic).toEqual({ name: 'loop', self: '[…]' });
  });

  it('works outside an invocation, without context fields', () => {
    const { log, lines } = capture();
    log.warn('cold start');
    expect(Object.keys(lines[0]!)).toEqual(['level', 'message', 'timestamp']);
  });
});
