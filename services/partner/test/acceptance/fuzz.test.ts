// Random requests, each judged by docs/api.md: what the contract refuses gets its 4xx (a 2xx is a
// failure), what it allows the documented answers, nothing a 5xx. The rules are written from the
// contract, not from the service's validators.
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { apiKey, bearerToken, fuzzEndpoint, jsonBody, testMode, type FuzzRule } from '@yubl/test-harness';
import { makePayload } from '../../src/validation-payload';
import { aJoin, getAccount, partnerKey, postValidation, signingKey } from '../support/partner';

// POST /partner/validations: {payload: string, externalId?: 1–200 chars}.
const ValidationBody = v.object({ payload: v.string(), externalId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))) });

describe('the partner endpoints under random input: the documented 4xx for what the contract refuses, never a 5xx', () => {
  it('GET /partner/accounts/{userId}', async () => {
    const join = await aJoin();
    const authorization = join.headers.authorization;
    // Another user's id is 403; the caller's own is 404 (no request is known for this user).
    const ownOnly: FuzzRule = ({ params }) => (params.userId === join.user.id ? undefined : [403]);
    await fuzzEndpoint(getAccount, { known: { pathValues: [join.user.id], authorization: [authorization] }, rules: [bearerToken([authorization]), ownOnly], accepts: [404] });
  }, 300_000);

  it('POST /partner/validations', async () => {
    const userId = randomUUID();
    const payload = await makePayload(userId, await signingKey());
    // API Gateway lets only the partner's key through; in process no gateway stands in front.
    const gateway = testMode() === 'http' ? [apiKey([partnerKey])] : [];
    await fuzzEndpoint(postValidation, {
      known: { apiKeys: [partnerKey] },
      bodies: [{ payload, externalId: userId }, { payload: 'not-a-payload' }],
      rules: [...gateway, jsonBody(ValidationBody)],
    });
  }, 300_000);
});
