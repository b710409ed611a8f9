import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '@yubl/errors';

/**
 * Writes need the admin key. API Gateway has already refused requests without a valid key (read or
 * admin); this tells the two apart by the SHA-256 of the admin key the function was deployed with.
 * No hash configured: every write is refused.
 */
export function requireAdminKey(presented: string | undefined, adminKeySha256: string | undefined): void {
  if (!adminKeySha256 || !presented) throw new ForbiddenError('Writing config needs the admin API key');
  const presentedHash = createHash('sha256').update(presented).digest();
  const expected = Buffer.from(adminKeySha256, 'hex');
  if (expected.length !== presentedHash.length || !timingSafeEqual(presentedHash, expected)) {
    throw new ForbiddenError('Writing config needs the admin API key');
  }
}
