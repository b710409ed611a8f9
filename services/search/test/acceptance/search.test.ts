// When a new user joins, they are searchable by first name, last name and username: joined through
// the users service over HTTP, found through `when` (in process or through the gateway), awaited
// with a deadline because the index fills from the users stream.
import { randomUUID } from 'node:crypto';
import { eventually, localCloud, useLocalCloudEnvironment, weCall, type HttpEndpoint } from '@yubl/test-harness';
import { aUser } from '@yubl/test-support';

useLocalCloudEnvironment({ SEARCH_TABLE: `search-users-${localCloud().stage}` });
const search: HttpEndpoint = { method: 'GET', resource: '/search/users', handler: async () => (await import('../../src/handlers/search')).handler };
const find = (q: string) => weCall(search, { path: `/search/users?q=${encodeURIComponent(q)}` });

describe('search', () => {
  it('finds a user who just joined by first name, last name and username, whatever the case', async () => {
    const tag = randomUUID().replace(/-/g, '').slice(0, 8);
    const user = await aUser({ firstName: `Zelda${tag}`, lastName: `Quokka${tag}`, username: `zq_${tag}` });
    const { token: _token, ...expected } = user;
    for (const q of [`zelda${tag}`, `QUOKKA${tag.toUpperCase()}`, `zq_${tag}`, `Zel`.concat(tag.slice(0, 0))]) {
      await eventually(async () => {
        const answer = await find(q);
        expect(answer.status).toBe(200);
        expect(answer.body.items).toContainEqual(expected);
      }, { timeout: 20_000, interval: 200 });
    }
    expect((await find(`nobody-${tag}`)).body).toEqual({ items: [] });
  });

  it('refuses an empty or over-long q with 400', async () => {
    for (const path of ['/search/users', '/search/users?q=', `/search/users?q=${'a'.repeat(51)}`]) {
      expect((await weCall(search, { path })).status).toBe(400);
    }
  });
});
