import { correlatedFetch } from '@yubl/correlation';
import type { Users } from './relationships';

/** The users service, over HTTP as any client calls it (services never import each other). */
export const usersOverHttp = (baseUrl: string): Users => ({
  async exists(userId) {
    const response = await correlatedFetch(`${baseUrl}/users/${encodeURIComponent(userId)}`, { timeoutMs: 2_000 });
    if (response.status === 404) return false;
    if (!response.ok) throw new Error(`the users service answered ${response.status}`);
    return true;
  },
});
