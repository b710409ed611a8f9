// Random requests, each judged by docs/api.md: what the contract refuses gets its 4xx (a 2xx is a
// failure), what it allows the documented answers, nothing a 5xx. Known users a (whose token is
// known) and b.
import { bearerToken, fuzzEndpoint, jsonBody, knownValue, pageQuery, type FuzzRule } from '@yubl/test-harness';
import { aUser, type TestUser } from '@yubl/test-support';
import { follow, followers, following, unfollow } from '../support/api';

// A malformed id may be refused as invalid input (400) where the contract names another status.
const orMalformed = (...statuses: number[]) => [...statuses, 400];

/** Following is the caller's own business: another user's id gets 403. */
const onOwnBehalf =
  (caller: TestUser): FuzzRule =>
  ({ params }) =>
    params.id === caller.id ? undefined : orMalformed(403);
const notSelf: FuzzRule = ({ params }) => (params.id === params.targetId ? [400] : undefined);

describe('relationships under random input: the documented 4xx for what the contract refuses, never a 5xx', () => {
  let a: TestUser;
  let b: TestUser;
  let ids: string[];
  beforeAll(async () => {
    [a, b] = await Promise.all([aUser(), aUser()]);
    ids = [a.id, b.id];
  });
  const caller = () => ({ known: { pathValues: ids, authorization: [`Bearer ${a.token}`] } });
  const asCaller = () => [jsonBody(), bearerToken([`Bearer ${a.token}`]), onOwnBehalf(a)];

  it('PUT /users/{id}/following/{targetId}', async () => {
    await fuzzEndpoint(follow, { ...caller(), rules: [...asCaller(), notSelf, knownValue('targetId', ids, orMalformed(404))], accepts: [204] });
  }, 300_000);

  it('DELETE /users/{id}/following/{targetId}', async () => {
    // Idempotent: unfollowing anyone, known or not, is 204 (or 400 for a target that is no id at all).
    await fuzzEndpoint(unfollow, { ...caller(), rules: asCaller(), accepts: ({ params }) => (ids.includes(params.targetId!) ? [204] : orMalformed(204)) });
  }, 300_000);

  it.each([
    ['GET /users/{id}/followers', followers, 1000],
    ['GET /users/{id}/following', following, 100],
  ])('%s', async (_name, endpoint, max) => {
    await fuzzEndpoint(endpoint, { ...caller(), rules: [pageQuery({ max }), knownValue('id', ids, orMalformed(404))] });
  }, 300_000);
});
