import { correlatedFetch } from '@yubl/correlation';
import { ServiceUnavailableError } from '@yubl/errors';
import type { Users } from './relationships';

/** The users service, over HTTP as any client calls it (services never import each other). */
export const usersOverHttp = (baseUrl: string): Users => ({
  async exists(userId) {
    const response = await correlatedFetch(`${baseUrl}/users/${encodeURIComponent(userId)}`);
    if (response.status === 404) return false;
    // A busy or failing users service is a dependency unavailable (503), not a bug of ours.
    if (response.status === 429 || response.status >= 500) throw new ServiceUnavailableError(`the users service answered ${response.status}`);
    if (!response.ok) throw new Error(`the users service answered ${response.status}`);
    return true;
  },
});
