import { aUser, fuzzEndpoint, localCloud, useLocalCloudEnvironment, type HttpEndpoint } from '@yubl/test-harness';

const cloud = localCloud();
useLocalCloudEnvironment({ RELATIONSHIPS_TABLE: `relationships-${cloud.stage}`, USERS_STREAM: `users-${cloud.stage}`, CONFIG_API_URL: cloud.baseUrl, CONFIG_API_KEY: cloud.apiKeys['config-read']! });
const handlerOf = (file: string, name = 'handler') => async () => (await import(`../../src/handlers/${file}`))[name];

describe('relationships under random input: only 4xx, never 5xx', () => {
  it.each([
    ['PUT', '/users/{id}/following/{targetId}', handlerOf('follow')],
    ['DELETE', '/users/{id}/following/{targetId}', handlerOf('unfollow')],
    ['GET', '/users/{id}/followers', handlerOf('lists', 'followers')],
    ['GET', '/users/{id}/following', handlerOf('lists', 'following')],
  ])('%s %s', async (method, resource, handler) => {
    const [a, b] = await Promise.all([aUser(), aUser()]);
    const endpoint: HttpEndpoint = { method, resource, handler };
    await fuzzEndpoint(endpoint, { known: { pathValues: [a.id, b.id], authorization: [`Bearer ${a.token}`] } });
  }, 300_000);
});
