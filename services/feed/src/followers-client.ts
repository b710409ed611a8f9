import { BACKGROUND_HTTP_CALL_TIMEOUT_MS } from '@yubl/aws';
import { correlatedFetch } from '@yubl/correlation';
import type { Followers } from './feed';

/** The relationships service's followers pages, over HTTP (up to 1000 a page, docs/api.md). */
export const followersOverHttp = (baseUrl: string): Followers => ({
  async page(userId, limit, cursor) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const response = await correlatedFetch(`${baseUrl}/users/${encodeURIComponent(userId)}/followers?${query}`, { timeoutMs: BACKGROUND_HTTP_CALL_TIMEOUT_MS });
    if (!response.ok) throw new Error(`the relationships service answered ${response.status} for ${userId}'s followers`);
    const { items, nextCursor } = (await response.json()) as { items: { userId: string }[]; nextCursor: string | null };
    return { userIds: items.map((item) => item.userId), nextCursor };
  },
});
