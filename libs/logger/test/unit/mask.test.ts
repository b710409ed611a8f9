import { mask, MASKED, maskText, sensitiveKeyMatcher } from '../../src';

const isSensitive = sensitiveKeyMatcher([]);

describe('sensitive keys', () => {
  it.each(['password', 'passwd', 'secret', 'token', 'authorization', 'apikey', 'api-key', 'api_key', 'cookie', 'credential', 'privatekey', 'private_key', 'plaintext'])(
    'include %s, within any key, whatever its case',
    (word) => {
      expect(isSensitive(word)).toBe(true);
      expect(isSensitive(`x-${word.toUpperCase()}-value`)).toBe(true);
    },
  );

  it('do not include ordinary keys', () => {
    for (const key of ['username', 'userId', 'text', 'path', 'api', 'private', 'key']) expect(isSensitive(key)).toBe(false);
  });

  it('include extra keys, trimmed, taken literally rather than as patterns, blanks ignored', () => {
    const matcher = sensitiveKeyMatcher([' ssn ', 'a.b', '', ' ']);
    expect(matcher('user_SSN')).toBe(true);
    expect(matcher('a.b')).toBe(true);
    expect(matcher('axb')).toBe(false);
    expect(matcher('anything')).toBe(false);
  });

  it('take the extra keys from LOG_MASK_KEYS by default', () => {
    process.env.LOG_MASK_KEYS = 'ssn,iban';
    try {
      expect(sensitiveKeyMatcher()('iban')).toBe(true);
      expect(sensitiveKeyMatcher()('name')).toBe(false);
    } finally {
      delete process.env.LOG_MASK_KEYS;
    }
    expect(sensitiveKeyMatcher()('iban')).toBe(false);
  });

  it('give the same answer the second time a key is asked about', () => {
    const matcher = sensitiveKeyMatcher([]);
    expect([matcher('password'), matcher('password'), matcher('name'), matcher('name')]).toEqual([true, true, false, false]);
  });
});

describe('secrets in text', () => {
  it.each([
    ['Bearer abc.def-ghi', `Bearer ${MASKED}`],
    ['bearer   abc', `bearer   ${MASKED}`],
    ['password=hunter2', `password=${MASKED}`],
    ['PASSWD: hunter2', `PASSWD: ${MASKED}`],
    ['secret = s3 next', `secret = ${MASKED} next`],
    ['token=t1&user=ann', `token=${MASKED}&user=ann`],
    ['apikey=k1, api_key=k2; api-key:k3', `apikey=${MASKED}, api_key=${MASKED}; api-key:${MASKED}`],
    ['"password":"hunter2"', '"password":"hunter2"'],
    ['eyJhbGciOi.eyJzdWIiOi.sig and more', `${MASKED} and more`],
    ['eyJhbGciOi.eyJzdWIiOi.', MASKED],
  ])('masks %j as %j', (text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it('leaves text without secrets as it is, time after time', () => {
    for (let i = 0; i < 3; i += 1) expect(maskText('posted yubl y1 for ann')).toBe('posted yubl y1 for ann');
    expect(maskText('eyJshort.x.y')).toBe('eyJshort.x.y');
  });
});

describe('a value made safe to log', () => {
  it('keeps plain values, turns bigints into text', () => {
    for (const value of [1, true, null, undefined, 'text']) expect(mask(value, isSensitive)).toBe(value);
    expect(mask(12n, isSensitive)).toBe('12');
  });

  it('masks the values of sensitive keys, at any depth, in arrays too', () => {
    expect(mask({ a: { b: [{ token: 't', ok: 1 }] }, password: { nested: 'x' } }, isSensitive)).toEqual({ a: { b: [{ token: MASKED, ok: 1 }] }, password: MASKED });
  });

  it('masks secrets in the text of any value, keys aside', () => {
    expect(mask({ note: 'Bearer abc', list: ['password=x'] }, isSensitive)).toEqual({ note: `Bearer ${MASKED}`, list: [`password=${MASKED}`] });
  });

  it('turns errors into name, message and stack, secrets masked, at the top level and below', () => {
    const error = new Error('failed with password=hunter2');
    const safe = mask({ error }, isSensitive) as { error: { name: string; message: string; stack: string } };
    expect(safe.error).toEqual({ name: 'Error', message: `failed with password=${MASKED}`, stack: expect.stringContaining(`Error: failed with password=${MASKED}`) });
    expect(JSON.stringify(safe)).not.toContain('hunter2');
    const bare = new Error('no stack');
    bare.stack = undefined;
    expect(mask(bare, isSensitive)).toEqual({ name: 'Error', message: 'no stack', stack: undefined });
  });

  it('turns dates into ISO text and buffers into their size', () => {
    expect(mask({ at: new Date('2026-01-02T03:04:05.000Z'), data: Buffer.from('secret bytes') }, isSensitive)).toEqual({ at: '2026-01-02T03:04:05.000Z', data: '[12 bytes]' });
  });

  it('takes own fields only', () => {
    const value = Object.create({ inherited: 'x' }) as Record<string, unknown>;
    value.own = 1;
    expect(mask(value, isSensitive)).toEqual({ own: 1 });
  });

  it('cuts cycles, and nesting deeper than 8 levels', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = { back: cyclic };
    expect(mask({ cyclic }, isSensitive)).toEqual({ cyclic: { name: 'loop', self: { back: '[…]' } } });
    // the top level is not tracked (a flat fields object allocates nothing): a cycle to it is cut one turn later
    expect(mask(cyclic, isSensitive)).toEqual({ name: 'loop', self: { back: { name: 'loop', self: '[…]' } } });
    const list: unknown[] = [];
    list.push(list);
    expect(mask({ list }, isSensitive)).toEqual({ list: ['[…]'] });
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10; i += 1) deep = { down: deep };
    let safe = mask(deep, isSensitive) as Record<string, unknown>;
    let depth = 0;
    while (typeof safe.down === 'object') {
      safe = safe.down as Record<string, unknown>;
      depth += 1;
    }
    expect([depth, safe.down]).toEqual([8, '[…]']);
  });

  it('keeps a value that appears twice, but not inside itself, both times', () => {
    const shared = { id: 1 };
    expect(mask({ a: shared, b: [shared] }, isSensitive)).toEqual({ a: { id: 1 }, b: [{ id: 1 }] });
    expect(mask({ move: { from: shared, to: shared, via: [shared, shared] } }, isSensitive)).toEqual({ move: { from: { id: 1 }, to: { id: 1 }, via: [{ id: 1 }, { id: 1 }] } });
  });
});
