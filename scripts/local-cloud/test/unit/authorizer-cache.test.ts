import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '@yubl/test-harness';
import { AuthorizerCache, cachingAuthorizerLambda, ttlSeconds, withAuthorizerCache } from '../../src/authorizer-cache';

/** A stand-in for serverless-offline's `lambda`: every run of the authorizer is counted and answered by `answer`. */
function authorizerLambda(answer: (event: { authorizationToken?: string }) => unknown) {
  const runs: unknown[] = [];
  return {
    runs,
    gets: 0,
    get(_functionKey: string) {
      this.gets += 1;
      let event: { authorizationToken?: string } = {};
      return {
        setEvent(value: unknown) {
          event = value as typeof event;
        },
        async runHandler() {
          runs.push(event);
          const result = answer(event);
          if (result instanceof Error) throw result;
          return result;
        },
      };
    },
  };
}

const allow = (token?: string) => ({ principalId: `user-of-${token}`, policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:*/local/*' }] } });
const tokenEvent = (token: string, methodArn = 'arn:aws:execute-api:eu-west-1:1:api/local/GET/feed') => ({ type: 'TOKEN', authorizationToken: token, methodArn });

async function authorize(lambda: ReturnType<typeof cachingAuthorizerLambda>, event: unknown) {
  const lease = lambda.get('authorize');
  lease.setEvent(event);
  return lease.runHandler();
}

describe("API Gateway's authorizer cache", () => {
  it('invokes the authorizer once per token within the TTL and answers the rest from the cache, on any route', async () => {
    let now = 1_000_000;
    const offline = authorizerLambda((event) => allow(event.authorizationToken));
    const lambda = cachingAuthorizerLambda(offline, { resultTtlInSeconds: 300 }, new AuthorizerCache(() => now));
    expect(await authorize(lambda, tokenEvent('Bearer a'))).toEqual(allow('Bearer a'));
    expect(await authorize(lambda, tokenEvent('Bearer a', 'arn:aws:execute-api:eu-west-1:1:api/local/GET/feed/yubls/x'))).toEqual(allow('Bearer a'));
    expect(await authorize(lambda, tokenEvent('Bearer b'))).toEqual(allow('Bearer b'));
    expect(offline.runs).toHaveLength(2); // a once, b once
    expect(offline.gets).toBe(2); // a cached answer takes no worker
    now += 299_999;
    await authorize(lambda, tokenEvent('Bearer a'));
    expect(offline.runs).toHaveLength(2);
    now += 1; // the TTL is over
    await authorize(lambda, tokenEvent('Bearer a'));
    expect(offline.runs).toHaveLength(3);
  });

  it('hands out a copy, so a change to one answer is not seen by the next request', async () => {
    const lambda = cachingAuthorizerLambda(authorizerLambda(() => allow('x')), {}, new AuthorizerCache());
    for (let i = 0; i < 2; i += 1) {
      const answer = (await authorize(lambda, tokenEvent('t'))) as { principalId: string }; // the invocation's, then the cache's
      answer.principalId = 'changed';
    }
    expect(await authorize(lambda, tokenEvent('t'))).toEqual(allow('x'));
  });

  it('caches no refusal (a thrown Unauthorized) and no failure', async () => {
    const offline = authorizerLambda(() => new Error('Unauthorized'));
    const lambda = cachingAuthorizerLambda(offline, { resultTtlInSeconds: 300 }, new AuthorizerCache());
    await expect(authorize(lambda, tokenEvent('forged'))).rejects.toThrow('Unauthorized');
    await expect(authorize(lambda, tokenEvent('forged'))).rejects.toThrow('Unauthorized');
    expect(offline.runs).toHaveLength(2);
    const unauthorized = authorizerLambda(() => 'Unauthorized');
    const strings = cachingAuthorizerLambda(unauthorized, {}, new AuthorizerCache());
    await authorize(strings, tokenEvent('t'));
    await authorize(strings, tokenEvent('t'));
    expect(unauthorized.runs).toHaveLength(2);
  });

  it('lets the misses of a token that arrive while its authorizer runs wait for that run, not start their own', async () => {
    const answers: ((value: unknown) => void)[] = [];
    const offline = authorizerLambda(() => new Promise((resolve) => answers.push(resolve)));
    const lambda = cachingAuthorizerLambda(offline, {}, new AuthorizerCache());
    const burst = Array.from({ length: 5 }, () => authorize(lambda, tokenEvent('Bearer cold')));
    const other = authorize(lambda, tokenEvent('Bearer other'));
    await eventually(() => expect(answers).toHaveLength(2));
    expect(offline.runs).toHaveLength(2); // one for each token, however many requests carry it
    answers[0]!(allow('Bearer cold'));
    answers[1]!(allow('Bearer other'));
    const given = (await Promise.all(burst)) as { principalId: string }[];
    expect(given).toEqual(Array.from({ length: 5 }, () => allow('Bearer cold')));
    given[0]!.principalId = 'changed'; // each waiter has a copy of its own
    expect(given[1]!.principalId).toBe('user-of-Bearer cold');
    expect(await other).toEqual(allow('Bearer other'));
  });

  it('runs the authorizer for each waiter when the run they waited for gave no policy, as each would have on its own', async () => {
    let first = true;
    const answers: ((value: unknown) => void)[] = [];
    const offline = authorizerLambda(() => {
      if (!first) return allow('t');
      first = false;
      return new Promise((_, reject) => answers.push(() => reject(new Error('Task timed out'))));
    });
    const lambda = cachingAuthorizerLambda(offline, {}, new AuthorizerCache());
    const failed = authorize(lambda, tokenEvent('t'));
    const waiters = [authorize(lambda, tokenEvent('t')), authorize(lambda, tokenEvent('t'))];
    await eventually(() => expect(answers).toHaveLength(1));
    answers[0]!(undefined);
    await expect(failed).rejects.toThrow('Task timed out');
    expect(await Promise.all(waiters)).toEqual([allow('t'), allow('t')]);
    expect(offline.runs).toHaveLength(3);
  });

  it('caches nothing with resultTtlInSeconds 0, nor for a REQUEST authorizer or an event without a token', async () => {
    const offline = authorizerLambda(() => allow());
    expect(cachingAuthorizerLambda(offline, { resultTtlInSeconds: 0 })).toBe(offline);
    expect(cachingAuthorizerLambda(offline, { resultTtlInSeconds: 300, type: 'request' })).toBe(offline);
    const lambda = cachingAuthorizerLambda(offline, {}, new AuthorizerCache());
    await authorize(lambda, tokenEvent(''));
    await authorize(lambda, tokenEvent(''));
    await authorize(lambda, { type: 'REQUEST', authorizationToken: 't' });
    await authorize(lambda, { type: 'REQUEST', authorizationToken: 't' });
    expect(offline.runs).toHaveLength(4);
  });

  it("takes API Gateway's TTL: 300 s when not declared, the declared value (as the framework's string too), nothing outside 0–3600", () => {
    expect(ttlSeconds({})).toBe(300);
    expect(ttlSeconds({ resultTtlInSeconds: '300' })).toBe(300);
    expect(ttlSeconds({ resultTtlInSeconds: 0 })).toBe(0);
    expect(ttlSeconds({ resultTtlInSeconds: 3600 })).toBe(3600);
    expect(() => ttlSeconds({ resultTtlInSeconds: 3601 })).toThrow(/0 to 3600/);
    expect(() => ttlSeconds({ resultTtlInSeconds: -1 })).toThrow(/0 to 3600/);
  });

  it("is installed into the serverless-offline this repository runs (its createAuthScheme.js still reads as expected)", () => {
    const file = path.join(__dirname, '../../../../node_modules/serverless-offline/src/events/http/createAuthScheme.js');
    const patched = withAuthorizerCache(fs.readFileSync(file, 'utf8'), '/the/cache.js');
    expect(patched).toContain('function createAuthSchemeUncached(authorizerOptions, provider, lambda) {');
    expect(patched).toContain('createAuthSchemeUncached(authorizerOptions, provider, localCloudAuthorizers.cachingAuthorizerLambda(lambda, authorizerOptions))');
    expect(patched.match(/export default/g)).toHaveLength(1);
    expect(() => withAuthorizerCache('export default function somethingElse() {}', '/x.js')).toThrow(/check the authorizer cache/);
  });
});
