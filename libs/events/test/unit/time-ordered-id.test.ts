import { asEnvelope, timeOrderedId } from '../../src';

describe('time-ordered ids', () => {
  it('are 21 characters: the time in base 36, padded to 9, then 12 random hex digits', () => {
    const id = timeOrderedId(Date.UTC(2026, 0, 1));
    expect(id).toMatch(/^[0-9a-z]{9}[0-9a-f]{12}$/);
    expect(id.slice(0, 9)).toBe(Date.UTC(2026, 0, 1).toString(36).padStart(9, '0'));
    expect(timeOrderedId(35).slice(0, 9)).toBe('00000000z');
  });

  it('sort by time, and differ within one millisecond', () => {
    expect(timeOrderedId(1_000) < timeOrderedId(1_001)).toBe(true);
    expect(timeOrderedId(35) < timeOrderedId(36)).toBe(true);
    expect(timeOrderedId(5)).not.toBe(timeOrderedId(5));
  });

  it('are made from the current time by default', () => {
    const before = timeOrderedId(Date.now() - 1);
    const id = timeOrderedId();
    expect(id > before).toBe(true);
    expect(id < timeOrderedId(Date.now() + 1_000)).toBe(true);
  });
});

describe('recognising an envelope', () => {
  const whole = { type: 't', id: 'i', occurredAt: 'o', data: { a: 1 } };

  it('takes exactly its four fields', () => {
    expect(asEnvelope({ ...whole, extra: true })).toEqual(whole);
  });

  it.each(['type', 'id', 'occurredAt'])('refuses one whose %s is not text', (field) => {
    expect(asEnvelope({ ...whole, [field]: 1 })).toBeNull();
  });

  it('is nothing for no value', () => {
    expect(asEnvelope(undefined)).toBeNull();
  });

  it('refuses one whose data is not an object', () => {
    for (const data of [null, 'x', 1, undefined]) expect(asEnvelope({ ...whole, data })).toBeNull();
  });
});
