import { asEnvelope, envelope } from '../../src';

describe('event envelopes', () => {
  it('carry type, a fresh id, the time and the data', () => {
    const event = envelope('yubl-posted', { yubl: { id: 'y1' } }, new Date('2026-01-01T00:00:00Z'));
    expect(event).toEqual({ type: 'yubl-posted', id: expect.stringMatching(/^[0-9a-f-]{36}$/), occurredAt: '2026-01-01T00:00:00.000Z', data: { yubl: { id: 'y1' } } });
    expect(envelope('x', {}).id).not.toBe(event.id);
  });

  it('are recognised, and anything else is not', () => {
    expect(asEnvelope(envelope('x', { a: 1 }))).toMatchObject({ type: 'x', data: { a: 1 } });
    for (const value of [null, 'x', 1, [], {}, { type: 'x', id: 'i', occurredAt: 't' }, { type: 1, id: 'i', occurredAt: 't', data: {} }]) expect(asEnvelope(value)).toBeNull();
  });
});
