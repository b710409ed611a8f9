import { aUser, fuzzEndpoint, localCloud, useLocalCloudEnvironment, type HttpEndpoint } from '@yubl/test-harness';

useLocalCloudEnvironment({ USERS_TABLE: `users-${localCloud().stage}`, USERS_STREAM: `users-${localCloud().stage}`, CONFIG_API_URL: localCloud().baseUrl, CONFIG_API_KEY: localCloud().apiKeys['config-read']! });
const api = async () => (await import('../../src/handlers/api')).handler;
const endpoint = (method: string, resource: string): HttpEndpoint => ({ method, resource, handler: api });

describe('users under random input: only 4xx, never 5xx', () => {
  it.each([
    ['POST', '/users'],
    ['POST', '/sessions'],
    ['GET', '/users/{id}'],
  ])('%s %s', async (method, resource) => {
    const user = await aUser();
    await fuzzEndpoint(endpoint(method, resource), { known: { pathValues: [user.id] } });
  }, 300_000);
});
