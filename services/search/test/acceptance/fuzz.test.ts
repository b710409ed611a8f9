// Random requests, each judged by docs/api.md: a q the contract refuses gets 400 (a 2xx is a failure),
// any other gets 200, nothing a 5xx.
import { fuzzEndpoint, localCloud, useLocalCloudEnvironment, type FuzzRule } from '@yubl/test-harness';

useLocalCloudEnvironment({ SEARCH_TABLE: `search-users-${localCloud().stage}` });

// q: 1–50 chars (docs/api.md), read as the service reads names: without surrounding spaces.
const query: FuzzRule = ({ query: { q = '' } }) => (q.trim().length >= 1 && q.trim().length <= 50 ? undefined : [400]);

describe('search under random input: the documented 4xx for what the contract refuses, never a 5xx', () => {
  it('GET /search/users', async () => {
    await fuzzEndpoint({ method: 'GET', resource: '/search/users', handler: async () => (await import('../../src/handlers/search')).handler }, { rules: [query] });
  }, 300_000);
});
