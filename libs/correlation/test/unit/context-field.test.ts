import { splitContext } from '../../src';

describe('splitContext', () => {
  it('takes __context__ out of an object and hands back the ids that rode in it', () => {
    expect(splitContext({ type: 'yubl-posted', __context__: { 'x-correlation-id': 'c1' } })).toEqual({ data: { type: 'yubl-posted' }, carried: { 'x-correlation-id': 'c1' } });
  });

  it.each([[{ type: 'plain' }], [['__context__']], ['__context__'], [null], [42]])('leaves %j as it is, carrying nothing', (value) => {
    expect(splitContext(value)).toEqual({ data: value, carried: undefined });
  });

  it('does not change the object it was given', () => {
    const payload = { a: 1, __context__: { 'x-correlation-id': 'c1' } };
    splitContext(payload);
    expect(payload).toEqual({ a: 1, __context__: { 'x-correlation-id': 'c1' } });
  });
});
