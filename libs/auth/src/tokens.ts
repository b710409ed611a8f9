// Bearer tokens (docs/api.md): HS256 JWTs whose `sub` is the user id, with an expiry. Signed and checked
// with jose; anything but a valid HS256 token under our secret — forged, expired, `alg: none`,
// malformed — is an UnauthorizedError. The secret comes from the config service (auth/jwt-secret).
import { SignJWT, jwtVerify } from 'jose';
import { UnauthorizedError } from '@yubl/errors';

const encoder = new TextEncoder();
export const TOKEN_LIFETIME_SECONDS = 60 * 60 * 24;

export async function signToken(userId: string, secret: string, lifetimeSeconds = TOKEN_LIFETIME_SECONDS): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
    .sign(encoder.encode(secret));
}

/** The user id of a valid token; UnauthorizedError for anything else. */
export async function verifyToken(token: string, secret: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number') throw new Error('no subject or expiry');
    return payload.sub;
  } catch {
    throw new UnauthorizedError('The bearer token is not valid');
  }
}

/** The user id behind an `Authorization: Bearer <token>` header; UnauthorizedError without one. */
export async function verifyBearer(authorization: string | undefined, secret: string): Promise<string> {
  // Stryker disable next-line StringLiteral: any text without the Bearer scheme is refused the same way as no header
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw new UnauthorizedError('An Authorization: Bearer <token> header is required');
  return verifyToken(match[1]!, secret);
}
