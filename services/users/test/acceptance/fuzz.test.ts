// Random requests, each judged by docs/api.md: a body the contract refuses gets its 4xx (a 2xx is a
// failure), one it allows gets the documented answers, and nothing gets a 5xx. The body rules
// below are written from docs/api.md, not taken from the service: the fuzz must not share its bugs.
import * as v from 'valibot';
import { fuzzEndpoint, isContractText, jsonBody, knownValue, weCall, type FuzzRequest } from '@yubl/test-harness';
import { aSignUp, getUser, postSessions, postUsers } from '../support/api';

// username: 3–30 of [a-z0-9_]; names: 1–50 chars, no control characters (not blank: the service refuses a name of only
// spaces, which docs/api.md does not say either way); password: 8–128 chars.
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(50), v.check((value) => value.trim() !== ''), v.check((value) => isContractText(value)));
const JoinBody = v.object({ username: v.pipe(v.string(), v.regex(/^[a-z0-9_]{3,30}$/)), firstName: name, lastName: name, password: v.pipe(v.string(), v.minLength(8), v.maxLength(128)) });
const SignInBody = v.object({ username: v.string(), password: v.string() });

const bodyOf = (request: FuzzRequest) => JSON.parse(request.body!) as { username: string; password: string };

describe('users under random input: the documented 4xx for what the contract refuses, never a 5xx', () => {
  it('POST /users', async () => {
    await fuzzEndpoint(postUsers, { bodies: [aSignUp()], rules: [jsonBody(JoinBody)], accepts: [201, 409] });
  }, 300_000);

  it('POST /sessions', async () => {
    const signUp = aSignUp();
    expect((await weCall(postUsers, { path: '/users', body: signUp })).status).toBe(201);
    const { username, password } = signUp;
    await fuzzEndpoint(postSessions, {
      bodies: [{ username, password }],
      rules: [jsonBody(SignInBody)],
      // 200 for the right pair only; 401 otherwise, or 400 for a username or password longer than
      // any that can sign in (over 100 / 128 characters).
      accepts: (request) => {
        const sent = bodyOf(request);
        if (sent.username === username && sent.password === password) return [200];
        return sent.username.length > 100 || sent.password.length > 128 ? [400, 401] : [401];
      },
    });
  }, 300_000);

  it('GET /users/{id}', async () => {
    const joined = await weCall(postUsers, { path: '/users', body: aSignUp() });
    await fuzzEndpoint(getUser, { known: { pathValues: [joined.body.user.id] }, rules: [knownValue('id', [joined.body.user.id])] });
  }, 300_000);
});
