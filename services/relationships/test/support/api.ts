// The relationships service's endpoints, declared once for its acceptance tests (through `when`:
// in process or through the gateway). Users come from the users service, over HTTP.
import { localCloud, useLocalCloudEnvironment, type HttpEndpoint } from '@yubl/test-harness';

export const cloud = useLocalCloudEnvironment({
  RELATIONSHIPS_TABLE: `relationships-${localCloud().stage}`,
  USERS_STREAM: `users-${localCloud().stage}`,
  OUTBOX_TABLE: `relationships-outbox-${localCloud().stage}`,
  CONFIG_API_URL: localCloud().baseUrl,
  CONFIG_API_KEY: localCloud().apiKeys['config-read']!,
});

const handlerOf = (file: string, name = 'handler') => async () => (await import(`../../src/handlers/${file}`))[name];
export const follow: HttpEndpoint = { method: 'PUT', resource: '/users/{id}/following/{targetId}', handler: handlerOf('follow') };
export const unfollow: HttpEndpoint = { method: 'DELETE', resource: '/users/{id}/following/{targetId}', handler: handlerOf('unfollow') };
export const followers: HttpEndpoint = { method: 'GET', resource: '/users/{id}/followers', handler: handlerOf('lists', 'followers') };
export const following: HttpEndpoint = { method: 'GET', resource: '/users/{id}/following', handler: handlerOf('lists', 'following') };
