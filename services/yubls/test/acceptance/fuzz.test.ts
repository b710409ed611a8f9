// Random requests, each judged by docs/api.md: what the contract refuses gets its 4xx (a 2xx is a
// failure), what it allows the documented answers, nothing a 5xx.
import * as v from 'valibot';
import { bearerToken, fuzzEndpoint, isContractText, jsonBody, knownValue } from '@yubl/test-harness';
import { aUser, posts } from '@yubl/test-support';
import { getYubl, postYubl } from '../support/api';

// POST /yubls: {text} of 1–500 chars, line breaks but no other control characters, from docs/api.md.
const PostBody = v.object({ text: v.pipe(v.string(), v.minLength(1), v.maxLength(500), v.check((value) => isContractText(value, { lineBreaks: true }))) });

describe('yubls under random input: the documented 4xx for what the contract refuses, never a 5xx', () => {
  it('POST /yubls', async () => {
    const authorization = `Bearer ${(await aUser()).token}`;
    await fuzzEndpoint(postYubl, { known: { authorization: [authorization] }, bodies: [{ text: 'a yubl under fuzz' }], rules: [jsonBody(PostBody), bearerToken([authorization])], accepts: [201] });
  }, 300_000);

  it('GET /yubls/{id}', async () => {
    const yubl = await posts(await aUser(), 'to be read under fuzz');
    await fuzzEndpoint(getYubl, { known: { pathValues: [yubl.id] }, rules: [knownValue('id', [yubl.id], [400, 404])] });
  }, 300_000);
});
