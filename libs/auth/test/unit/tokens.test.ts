import { SignJWT } from 'jose';
import { signToken, verifyBearer, verifyToken } from '../../src';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('bearer tokens', () => {
  it('round-trips the user id', async () => {
    expect(await verifyToken(await signToken('u-1', secret), secret)).toBe('u-1');
    expect(await verifyBearer(`Bearer ${await signToken('u-2', secret)}`, secret)).toBe('u-2');
  });

  it.each([
    ['forged (another secret)', async () => signToken('u-1', 'another-secret-entirely-of-enough-length')],
    ['expired', async () => signToken('u-1', secret, -10)],
    ['alg: none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u-1', exp: Math.floor(Date.now() / 1000) + 60 })}.`],
    ['another algorithm', async () => new SignJWT({ sub: 'u-1' }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret))],
    ['without expiry', async () => new SignJWT({}).setSubject('u-1').setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret))],
    ['malformed', async () => 'not.a.jwt'],
    ['empty', async () => ''],
  ])('refuses a token that is %s', async (_, make) => {
    await expect(verifyToken(await make(), secret)).rejects.toMatchObject({ status: 401, code: 'Unauthorized' });
  });

  it('refuses a missing or non-bearer Authorization header', async () => {
    await expect(verifyBearer(undefined, secret)).rejects.toMatchObject({ status: 401 });
    await expect(verifyBearer('Basic abc', secret)).rejects.toMatchObject({ status: 401 });
  });
});
