import { hashPassword, UNUSABLE_HASH, verifyPassword } from '../../src/passwords';

describe('password hashes', () => {
  it('are scrypt with its cost, a 16-byte salt and a 32-byte hash, so that the cost can grow later', async () => {
    const [scheme, n, r, p, salt, hash, ...rest] = (await hashPassword('correct horse')).split('$');
    expect([scheme, n, r, p, rest]).toEqual(['scrypt', '16384', '8', '1', []]);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64')).toHaveLength(32);
  });

  it('are salted: the same password twice hashes differently, and both verify', async () => {
    const [first, second] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('correct horse', second)).toBe(true);
  });

  it('verify the password they were made from and no other', async () => {
    const stored = await hashPassword('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsf', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('are read with the cost they were stored with', async () => {
    const [, , , , salt, hash] = (await hashPassword('correct horse')).split('$');
    expect(await verifyPassword('correct horse', ['scrypt', 1024, 8, 1, salt, hash].join('$'))).toBe(false);
  });

  it('verify nothing that is not a whole scrypt hash', async () => {
    const stored = await hashPassword('correct horse');
    const [, n, r, p, salt, hash] = stored.split('$');
    for (const broken of ['', 'plain text', ['bcrypt', n, r, p, salt, hash].join('$'), ['scrypt', n, r, p, '', hash].join('$'), ['scrypt', n, r, p, salt, ''].join('$')]) {
      expect(await verifyPassword('correct horse', broken)).toBe(false);
    }
  });

  it('include an unusable one that matches no password, at the cost of a real one', async () => {
    expect(UNUSABLE_HASH.split('$').slice(0, 4)).toEqual(['scrypt', '16384', '8', '1']);
    for (const password of ['', 'correct horse', '\0'.repeat(32)]) expect(await verifyPassword(password, UNUSABLE_HASH)).toBe(false);
  });
});
