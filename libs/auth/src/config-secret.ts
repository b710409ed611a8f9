import { createConfigClient } from '@yubl/config';
import { verifyBearer } from './tokens';

/**
 * For a function that checks bearer tokens: the JWT secret from the config service (fetched at
 * init, refreshed in the background), and the check itself.
 */
export function bearerVerifier() {
  const config = createConfigClient({ keys: ['auth/jwt-secret'] });
  return {
    secret: () => config.get('auth/jwt-secret'),
    async userId(authorization: string | undefined): Promise<string> {
      return verifyBearer(authorization, await config.get('auth/jwt-secret'));
    },
  };
}
