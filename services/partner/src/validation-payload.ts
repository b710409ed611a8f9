// The validation payload (docs/api.md "The streaming partner"): ours to define, handed to the
// partner with each account request and shown back to us before the partner creates the account.
// It is an HS256 JWT (jose) under a key that lives KMS-encrypted in the config service
// (partner/signing-key): `sub` names the user, `exp` ends it, `aud` says what it is for. No one
// without the key can make one that passes.
import { errors, jwtVerify, SignJWT } from 'jose';

export const PAYLOAD_AUDIENCE = 'yubl-partner-account';
/** Long enough for the partner's busy spells and our retries, short enough to be useless if leaked. */
export const PAYLOAD_LIFETIME_SECONDS = 15 * 60;

export type RefusalReason = 'malformed' | 'bad-signature' | 'expired' | 'wrong-user';
export type PayloadCheck = { valid: true; userId: string } | { valid: false; reason: RefusalReason };
export type ValidationMode = 'strict' | 'permissive';
export type ValidationAnswer = { valid: true } | { valid: false; reason: RefusalReason };

const encoder = new TextEncoder();

export async function makePayload(userId: string, key: string, now = new Date(), lifetimeSeconds = PAYLOAD_LIFETIME_SECONDS): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setAudience(PAYLOAD_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetimeSeconds)
    .sign(encoder.encode(key));
}

/**
 * What a payload says, checked: our signature, not expired, for our purpose, and (when the partner
 * names the account it is about to create) for that user.
 */
export async function checkPayload(payload: string, key: string, { externalId, now = new Date() }: { externalId?: string; now?: Date } = {}): Promise<PayloadCheck> {
  let subject: unknown;
  try {
    const { payload: claims } = await jwtVerify(payload, encoder.encode(key), { algorithms: ['HS256'], audience: PAYLOAD_AUDIENCE, currentDate: now, requiredClaims: ['sub', 'exp'] });
    subject = claims.sub;
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { valid: false, reason: 'expired' };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { valid: false, reason: 'bad-signature' };
    return { valid: false, reason: 'malformed' };
  }
  if (typeof subject !== 'string' || subject === '') return { valid: false, reason: 'malformed' };
  if (externalId !== undefined && externalId !== subject) return { valid: false, reason: 'wrong-user' };
  return { valid: true, userId: subject };
}

/**
 * The answer for the partner: strict answers what the check found; permissive answers valid
 * whatever it found, and says what it would have refused (`overridden`), for the log and the metric.
 */
export function answerFor(check: PayloadCheck, mode: ValidationMode): { answer: ValidationAnswer; overridden?: RefusalReason } {
  if (check.valid) return { answer: { valid: true } };
  if (mode === 'permissive') return { answer: { valid: true }, overridden: check.reason };
  return { answer: { valid: false, reason: check.reason } };
}

/** The config value, read strictly: anything but `permissive` is strict (the safe side). */
export const validationMode = (value: string): ValidationMode => (value.trim() === 'permissive' ? 'permissive' : 'strict');
