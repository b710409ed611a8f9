import { createHash } from 'node:crypto';
import { requireAdminKey } from '../../src/admin-key';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const refusal = { status: 403, message: 'Writing config needs the admin API key' };

describe('the admin key check', () => {
  it('lets the admin key through', () => {
    expect(() => requireAdminKey('admin-key', sha256('admin-key'))).not.toThrow();
  });

  it('refuses any other key, the read key among them, with 403', () => {
    for (const presented of ['read-key', 'admin-key ', 'Admin-key', sha256('admin-key')]) expect(() => requireAdminKey(presented, sha256('admin-key'))).toThrow(expect.objectContaining(refusal));
  });

  it('refuses every write when no key is presented or no hash is configured', () => {
    expect(() => requireAdminKey(undefined, sha256('admin-key'))).toThrow(expect.objectContaining(refusal));
    expect(() => requireAdminKey('', sha256(''))).toThrow(expect.objectContaining(refusal));
    expect(() => requireAdminKey('admin-key', undefined)).toThrow(expect.objectContaining(refusal));
    expect(() => requireAdminKey('admin-key', '')).toThrow(expect.objectContaining(refusal));
  });

  it('refuses, rather than crashes, when the configured hash is not a SHA-256', () => {
    expect(() => requireAdminKey('admin-key', sha256('admin-key').slice(0, 32))).toThrow(expect.objectContaining(refusal));
    expect(() => requireAdminKey('admin-key', 'not hex')).toThrow(expect.objectContaining(refusal));
  });
});
