// Random requests, each judged by docs/api.md: what the contract refuses gets its 4xx (a 2xx is a
// failure), what it allows the documented answers, nothing a 5xx.
import { bearerToken, fuzzEndpoint, localCloud, pageQuery, testMode, useLocalCloudEnvironment, type FuzzRule, type HttpEndpoint } from '@yubl/test-harness';
import { aUser } from '@yubl/test-support';

useLocalCloudEnvironment({ FEEDS_TABLE: `feeds-${localCloud().stage}` });
// In process the authorizer is not in front: a random principal stands for whoever it let through.
const principalId = (headers: Record<string, string>) => (headers.authorization ?? '').slice(0, 100) || undefined;
const nobody: FuzzRule = ({ headers }) => (principalId(headers) ? undefined : [401]);

describe('the feed under random input: the documented 4xx for what the contract refuses, never a 5xx', () => {
  it.each([
    ['GET', '/feed', 'get-feed', [pageQuery()]],
    // no yubl is in a feed the fuzz reads: every id names nothing there
    ['GET', '/feed/yubls/{id}', 'get-feed-yubl', [() => [404]]],
  ] as [string, string, string, FuzzRule[]][])('%s %s', async (method, resource, file, rules) => {
    const authorization = `Bearer ${(await aUser()).token}`;
    const endpoint: HttpEndpoint = { method, resource, handler: async () => (await import(`../../src/handlers/${file}`)).handler, principalId };
    const caller = testMode() === 'http' ? bearerToken([authorization]) : nobody;
    await fuzzEndpoint(endpoint, { known: { authorization: [authorization] }, rules: [caller, ...rules] });
  }, 300_000);
});
