import { createHash } from 'node:crypto';
import { keyHashes } from '../../api-key-hashes';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('keyHashes', () => {
  it('derives API_KEY_<NAME>_SHA256 for every API key, and only for API keys', () => {
    expect(keyHashes({ API_KEY_CONFIG_ADMIN: 'admin-secret', API_KEY_CONFIG_READ: 'read-secret', PATH: '/usr/bin', API_KEY_lower: 'x' })).toEqual({
      API_KEY_CONFIG_ADMIN_SHA256: sha256('admin-secret'),
      API_KEY_CONFIG_READ_SHA256: sha256('read-secret'),
    });
  });

  it('never hashes a hash again', () => {
    expect(keyHashes({ API_KEY_CONFIG_ADMIN_SHA256: 'ab12' })).toEqual({});
  });
});
