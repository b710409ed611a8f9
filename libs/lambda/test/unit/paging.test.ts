import { decodeCursor, encodeCursor, pageLimit } from '../../src';

const anyPosition = (position: Record<string, unknown>): position is { at: string } => typeof position.at === 'string';

describe('a page limit', () => {
  it('is the default without ?limit=, or with an empty one', () => {
    expect(pageLimit(undefined)).toBe(20);
    expect(pageLimit('')).toBe(20);
    expect(pageLimit(undefined, { fallback: 100 })).toBe(100);
  });

  it.each([['1', 1], ['20', 20], ['100', 100], ['007', 7]])('takes ?limit=%s as %d', (raw, limit) => {
    expect(pageLimit(raw)).toBe(limit);
  });

  it.each(['0', '101', '-1', '2.5', 'ten', '1e9', 'Infinity', ' 7 ', '0x10', '1e1'])('refuses ?limit=%s with 400', (raw) => {
    expect(() => pageLimit(raw)).toThrow(expect.objectContaining({ status: 400, message: 'limit must be a whole number from 1 to 100', details: [{ path: 'query.limit', message: 'out of range' }] }));
  });
});

describe('a list cursor', () => {
  it('is absent at the end of a list', () => {
    expect(encodeCursor(undefined)).toBeNull();
  });

  it('is opaque text fit for a query string, and decodes back to its position', () => {
    const cursor = encodeCursor({ at: 'ü/+=?&' })!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, anyPosition)).toEqual({ at: 'ü/+=?&' });
  });

  it('is no position without ?cursor=, or with an empty one', () => {
    expect(decodeCursor(undefined, anyPosition)).toBeUndefined();
    expect(decodeCursor('', anyPosition)).toBeUndefined();
  });

  it.each([
    ['not base64url JSON', 'not a cursor!'],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['a JSON string', Buffer.from('"at"').toString('base64url')],
    ['a JSON array', Buffer.from('[{"at":"x"}]').toString('base64url')],
    ['a position this list never issues', encodeCursor({ at: 1 })!],
  ])('is refused with 400 when it is %s', (_what, cursor) => {
    expect(() => decodeCursor(cursor, anyPosition)).toThrow(expect.objectContaining({ status: 400, message: 'cursor is not one this list issued', details: [{ path: 'query.cursor', message: 'unknown cursor' }] }));
  });
});
