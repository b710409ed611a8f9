// Users for acceptance tests, made the way an app makes them: POST /users through the gateway (a
// service's tests reach other services only over HTTP, as the service itself does).
import { randomUUID } from 'node:crypto';
import { localCloud, retryAfterMs } from '@yubl/test-harness';

export interface TestUser {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  token: string;
}

const baseUrl = () => process.env.TEST_BASE_URL ?? localCloud().baseUrl;

/** Sign-ups a fixture makes before it gives up on a 5xx: the users service's own tests judge sign-up. */
const SIGN_UP_ATTEMPTS = 3;

/**
 * A new user (unique names unless given), with a bearer token. A sign-up answered with a 5xx (a
 * Lambda timeout on a loaded CI machine, a 503 "try again") is made again, after its Retry-After or
 * a second, under new generated names: the first may have been stored (docs/api.md: "may or may
 * not have taken effect") and would hold its username. A given username is tried once.
 */
export async function aUser(names: { firstName?: string; lastName?: string; username?: string } = {}): Promise<TestUser> {
  const attempts = names.username === undefined ? SIGN_UP_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt += 1) {
    const tag = randomUUID().replace(/-/g, '').slice(0, 10);
    const body = { username: names.username ?? `u_${tag}`, firstName: names.firstName ?? `First${tag}`, lastName: names.lastName ?? `Last${tag}`, password: `pw-${tag}-long` };
    const response = await fetch(`${baseUrl()}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await response.json()) as { user: Omit<TestUser, 'token'>; token: string };
    if (response.status === 201) return { ...answer.user, token: answer.token };
    if (response.status < 500 || attempt >= attempts) throw new Error(`POST /users answered ${response.status}${attempt > 1 ? ` (attempt ${attempt})` : ''}: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs(response.headers.get('retry-after'))));
  }
}

export const bearer = (user: TestUser) => ({ authorization: `Bearer ${user.token}` });

/** `follower` follows `followee`, through the gateway. */
export async function follows(follower: TestUser, followee: TestUser): Promise<void> {
  const response = await fetch(`${baseUrl()}/users/${follower.id}/following/${followee.id}`, { method: 'PUT', headers: bearer(follower) });
  if (response.status !== 204) throw new Error(`follow answered ${response.status}: ${await response.text()}`);
}

/** `author` posts a yubl, through the gateway, with these headers (a correlation id, say). */
export async function posts(author: TestUser, text: string, headers: Record<string, string> = {}): Promise<{ id: string; authorId: string; text: string; postedAt: string }> {
  const response = await fetch(`${baseUrl()}/yubls`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(author), ...headers }, body: JSON.stringify({ text }) });
  if (response.status !== 201) throw new Error(`POST /yubls answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string; authorId: string; text: string; postedAt: string };
}
