import { aUser, fuzzEndpoint, localCloud, useLocalCloudEnvironment, type HttpEndpoint } from '@yubl/test-harness';

useLocalCloudEnvironment({ FEEDS_TABLE: `feeds-${localCloud().stage}` });
// In process the authorizer is not in front: a random principal stands for whoever it let through.
const principalId = (headers: Record<string, string>) => (headers.authorization ?? '').slice(0, 100) || undefined;

describe('the feed under random input: only 4xx, never 5xx', () => {
  it.each([
    ['GET', '/feed', 'get-feed'],
    ['GET', '/feed/yubls/{id}', 'get-feed-yubl'],
  ])('%s %s', async (method, resource, file) => {
    const user = await aUser();
    const endpoint: HttpEndpoint = { method, resource, handler: async () => (await import(`../../src/handlers/${file}`)).handler, principalId };
    await fuzzEndpoint(endpoint, { known: { authorization: [`Bearer ${user.token}`] } });
  }, 300_000);
});
