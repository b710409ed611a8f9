import { SignJWT } from 'jose';
import { answerFor, checkPayload, makePayload, PAYLOAD_AUDIENCE, validationMode } from '../../src/validation-payload';

const key = 'k'.repeat(48);
const now = new Date('2026-12-01T10:00:00Z');

describe('the validation payload', () => {
  it('names the user and passes the check under our key, until it expires', async () => {
    const payload = await makePayload('u1', key, now, 60);
    expect(await checkPayload(payload, key, { now })).toEqual({ valid: true, userId: 'u1' });
    expect(await checkPayload(payload, key, { now, externalId: 'u1' })).toEqual({ valid: true, userId: 'u1' });
    expect(await checkPayload(payload, key, { now: new Date(now.getTime() + 59_000) })).toMatchObject({ valid: true });
    expect(await checkPayload(payload, key, { now: new Date(now.getTime() + 61_000) })).toEqual({ valid: false, reason: 'expired' });
  });

  it('refuses another key`s signature, another user`s payload, and what is no payload of ours', async () => {
    const payload = await makePayload('u1', key, now);
    expect(await checkPayload(payload, 'another-key-of-the-same-length-000000000000000', { now })).toEqual({ valid: false, reason: 'bad-signature' });
    expect(await checkPayload(payload, key, { now, externalId: 'u2' })).toEqual({ valid: false, reason: 'wrong-user' });
    for (const text of ['', 'not-a-jwt', 'a.b.c', `${payload}x`.replace(/\.[^.]*$/, '.@@')]) {
      expect(await checkPayload(text, key, { now })).toMatchObject({ valid: false });
    }
    const encoder = new TextEncoder();
    const otherPurpose = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setAudience('something-else').setExpirationTime('1h').sign(encoder.encode(key));
    expect(await checkPayload(otherPurpose, key)).toEqual({ valid: false, reason: 'malformed' });
    const noExpiry = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setAudience(PAYLOAD_AUDIENCE).sign(encoder.encode(key));
    expect(await checkPayload(noExpiry, key)).toEqual({ valid: false, reason: 'malformed' });
    const noSubject = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setAudience(PAYLOAD_AUDIENCE).setExpirationTime('1h').sign(encoder.encode(key));
    expect(await checkPayload(noSubject, key)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('answers what the check found in strict mode; valid in permissive mode, saying what it overrode', () => {
    expect(answerFor({ valid: true, userId: 'u1' }, 'strict')).toEqual({ answer: { valid: true } });
    expect(answerFor({ valid: true, userId: 'u1' }, 'permissive')).toEqual({ answer: { valid: true } });
    expect(answerFor({ valid: false, reason: 'expired' }, 'strict')).toEqual({ answer: { valid: false, reason: 'expired' } });
    expect(answerFor({ valid: false, reason: 'expired' }, 'permissive')).toEqual({ answer: { valid: true }, overridden: 'expired' });
  });

  it('reads the mode strictly: only `permissive` is permissive', () => {
    expect(validationMode('permissive')).toBe('permissive');
    expect(validationMode(' permissive\n')).toBe('permissive');
    for (const value of ['strict', '', 'Permissive', 'off']) expect(validationMode(value)).toBe('strict');
  });
});
