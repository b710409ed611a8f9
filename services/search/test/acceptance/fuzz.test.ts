import { fuzzEndpoint, localCloud, useLocalCloudEnvironment } from '@yubl/test-harness';

useLocalCloudEnvironment({ SEARCH_TABLE: `search-users-${localCloud().stage}` });

describe('search under random input: only 4xx, never 5xx', () => {
  it('GET /search/users', async () => {
    await fuzzEndpoint({ method: 'GET', resource: '/search/users', handler: async () => (await import('../../src/handlers/search')).handler });
  }, 300_000);
});
