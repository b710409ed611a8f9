// The users service's endpoints, declared once for its acceptance tests (through `when`: in
// process or through the gateway), and sign-ups that no other test run has used.
import { randomUUID } from 'node:crypto';
import { localCloud, useLocalCloudEnvironment, type HttpEndpoint } from '@yubl/test-harness';

export const cloud = useLocalCloudEnvironment({
  USERS_TABLE: `users-${localCloud().stage}`,
  USERS_STREAM: `users-${localCloud().stage}`,
  OUTBOX_TABLE: `users-outbox-${localCloud().stage}`,
  CONFIG_API_URL: localCloud().baseUrl,
  CONFIG_API_KEY: localCloud().apiKeys['config-read']!,
});

const api = async () => (await import('../../src/handlers/api')).handler;
export const postUsers: HttpEndpoint = { method: 'POST', resource: '/users', handler: api };
export const postSessions: HttpEndpoint = { method: 'POST', resource: '/sessions', handler: api };
export const getUser: HttpEndpoint = { method: 'GET', resource: '/users/{id}', handler: api };

export type SignUp = {
  username: string;
  firstName: string;
  lastName: string;
  password: string;
};

/** A valid POST /users body with a username of its own (a random suffix), and these fields changed. */
export function aSignUp(changes: Partial<SignUp> = {}): SignUp {
  const tag = randomUUID().replace(/-/g, '').slice(0, 12);
  return { username: `t_${tag}`, firstName: 'Ada', lastName: 'Lovelace', password: `secret-${tag}`, ...changes };
}
