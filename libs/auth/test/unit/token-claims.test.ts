import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { signToken, TOKEN_LIFETIME_SECONDS, verifyBearer, verifyToken } from '../../src';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const key = new TextEncoder().encode(secret);

describe('a signed token', () => {
  it('is an HS256 JWT for the user, issued now, expiring after a day by default', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await signToken('u-1', secret);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims.sub).toBe('u-1');
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp! - claims.iat!).toBeGreaterThanOrEqual(TOKEN_LIFETIME_SECONDS - 1);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(TOKEN_LIFETIME_SECONDS);
    expect(TOKEN_LIFETIME_SECONDS).toBe(86_400);
  });

  it('expires after the lifetime it is given', async () => {
    const claims = decodeJwt(await signToken('u-1', secret, 60));
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(55);
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60);
  });
});

describe('checking a token', () => {
  const exp = () => Math.floor(Date.now() / 1000) + 60;

  it('refuses one without a subject, or with an empty one, with the same 401', async () => {
    for (const token of [await new SignJWT({ exp: exp() }).setProtectedHeader({ alg: 'HS256' }).sign(key), await new SignJWT({ sub: '', exp: exp() }).setProtectedHeader({ alg: 'HS256' }).sign(key)]) {
      await expect(verifyToken(token, secret)).rejects.toMatchObject({ status: 401, message: 'The bearer token is not valid' });
    }
  });

  it('takes the Bearer scheme in any case, with any spacing, and nothing else around the token', async () => {
    const token = await signToken('u-1', secret);
    expect(await verifyBearer(`bearer ${token}`, secret)).toBe('u-1');
    expect(await verifyBearer(`BEARER   ${token}`, secret)).toBe('u-1');
    for (const header of [`Bearer`, `Bearer ${token} extra`, ` Bearer ${token}`, `xBearer ${token}`, `Bearer${token}`, '']) {
      await expect(verifyBearer(header, secret)).rejects.toMatchObject({ status: 401, message: 'An Authorization: Bearer <token> header is required' });
    }
  });
});
