// @ts-check
'use strict';

// API Gateway's authorizer cache, which serverless-offline does not have: it invokes a service's
// custom authorizer on every request, whatever `resultTtlInSeconds` says. API Gateway keeps what a
// TOKEN authorizer answered with a policy (Allow or Deny, with its principalId and context) for the
// authorizer's TTL — `resultTtlInSeconds` of the event's `authorizer`, 300 s when not declared, 0
// for none, at most 3,600 — keyed by the token (the identity source's value), and evaluates the
// cached policy against each later request's method ARN, on any route behind that authorizer.
// Here the same: `cachingAuthorizerLambda` stands between serverless-offline's HTTP auth scheme
// and its functions (installed by offline-loader.mjs into createAuthScheme.js), so only API
// Gateway's calls are cached — a Lambda Invoke of the authorizer function runs it every time.
// A thrown "Unauthorized" (401) or a failed invocation is not cached, as API Gateway caches only a
// returned policy. Where it differs from AWS: the cache lives as long as the service's
// serverless-offline (a restart empties it, as a redeployment of the stage flushes AWS's); REQUEST
// authorizers are not cached (none is declared; their key would be every identity source's value);
// an entry is kept for the TTL of the route that stored it (AWS has one TTL per authorizer, and
// the framework takes it from the first route that declares the authorizer); a miss that finds the
// authorizer running for its token waits for that run's policy instead of starting another (API
// Gateway may run it for each: on two cores, a cold burst of one token ran it 64 times, four cold
// workers beside the function's own cold start), and runs it itself if that run gave no policy.

const DEFAULT_TTL_SECONDS = 300;
const MAX_TTL_SECONDS = 3600;
// Expired entries are only dropped when read; past this many, storing sweeps them out.
const SWEEP_ABOVE_ENTRIES = 10_000;

/**
 * The TTL API Gateway gives an authorizer declared with these options, in seconds.
 * @param {{ resultTtlInSeconds?: unknown }} options
 */
function ttlSeconds(options) {
  const declared = options.resultTtlInSeconds;
  if (declared === undefined || declared === null || declared === '') return DEFAULT_TTL_SECONDS;
  const seconds = Number(declared);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TTL_SECONDS) {
    throw new Error(`authorizer resultTtlInSeconds must be a whole number from 0 to ${MAX_TTL_SECONDS} (API Gateway refuses ${JSON.stringify(declared)})`);
  }
  return seconds;
}

/** What authorizers answered, by authorizer and token, each until it expires. */
class AuthorizerCache {
  /** @param {() => number} [now] */
  constructor(now = Date.now) {
    this.now = now;
    /** @type {Map<string, { answer: unknown, expiresAt: number }>} */
    this.entries = new Map();
    /** @type {Map<string, Promise<unknown>>} the invocations running for a key, which later misses of the key wait for */
    this.running = new Map();
  }

  /**
   * A copy of the answer stored under `key`, if it has not expired.
   * @param {string} key
   */
  get(key) {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return structuredClone(entry.answer); // serverless-offline may change what it is handed
  }

  /**
   * @param {string} key
   * @param {unknown} answer
   * @param {number} ttlMs
   */
  set(key, answer, ttlMs) {
    if (this.entries.size >= SWEEP_ABOVE_ENTRIES) {
      const now = this.now();
      for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
    }
    this.entries.set(key, { answer: structuredClone(answer), expiresAt: this.now() + ttlMs });
  }
}

/** One cache per serverless-offline, one serverless-offline per service: one per API, as on AWS. */
const apiCache = new AuthorizerCache();

/** An authorizer's answer API Gateway caches: a policy document. */
const isPolicy = (/** @type {unknown} */ answer) => answer !== null && typeof answer === 'object' && 'policyDocument' in answer;

/**
 * Wraps serverless-offline's `lambda` (its `get(functionKey)` gives something to setEvent and
 * runHandler) for one route's auth scheme: a TOKEN event whose token has a live answer gets that
 * answer without invoking the authorizer; otherwise the authorizer runs and a policy it returns is
 * kept for the route's TTL.
 * @template {{ get(functionKey: string): { setEvent(event: unknown): void, runHandler(): Promise<unknown> } }} L
 * @param {L} lambda
 * @param {{ resultTtlInSeconds?: unknown, type?: string }} authorizerOptions the route's authorizer, as serverless-offline resolved it
 * @param {AuthorizerCache} [cache]
 * @returns {L | { get(functionKey: string): { setEvent(event: unknown): void, runHandler(): Promise<unknown> } }}
 */
function cachingAuthorizerLambda(lambda, authorizerOptions, cache = apiCache) {
  const ttlMs = ttlSeconds(authorizerOptions) * 1000;
  if (ttlMs === 0 || authorizerOptions.type === 'request') return lambda;
  return {
    get(functionKey) {
      /** @type {unknown} */
      let event;
      return {
        setEvent(value) {
          event = value;
        },
        async runHandler() {
          const { type, authorizationToken } = /** @type {{ type?: unknown, authorizationToken?: unknown }} */ (event ?? {});
          // Taken only on a miss: without the bounded pool, get() claims (or starts) a worker.
          const invoke = () => {
            const fn = lambda.get(functionKey);
            fn.setEvent(event);
            return fn.runHandler();
          };
          if (type !== 'TOKEN' || typeof authorizationToken !== 'string' || authorizationToken === '') return invoke();
          const key = `${functionKey}\u0000${authorizationToken}`;
          const cached = cache.get(key);
          if (cached !== undefined) return cached;
          const running = cache.running.get(key);
          if (running) {
            const shared = await running.catch(() => undefined);
            if (isPolicy(shared)) return structuredClone(shared);
            return invoke();
          }
          const invocation = invoke();
          cache.running.set(key, invocation);
          try {
            const answer = await invocation;
            if (isPolicy(answer)) cache.set(key, answer, ttlMs);
            return answer;
          } finally {
            cache.running.delete(key);
          }
        },
      };
    },
  };
}

const AUTH_SCHEME_EXPORT = 'export default function createAuthScheme(authorizerOptions, provider, lambda) {';

/**
 * serverless-offline's createAuthScheme.js with every scheme it creates given the caching lambda.
 * Fails loudly if a new serverless-offline no longer declares it as expected.
 * @param {string} source
 * @param {string} selfPath this file, for the patched module to require
 */
function withAuthorizerCache(source, selfPath) {
  if (!source.includes(AUTH_SCHEME_EXPORT)) throw new Error('offline-loader: createAuthScheme.js no longer exports createAuthScheme(authorizerOptions, provider, lambda); check the authorizer cache');
  return `${source.replace(AUTH_SCHEME_EXPORT, 'function createAuthSchemeUncached(authorizerOptions, provider, lambda) {')}
import { createRequire as localCloudRequire } from 'node:module';
const localCloudAuthorizers = localCloudRequire(import.meta.url)(${JSON.stringify(selfPath)});
export default function createAuthScheme(authorizerOptions, provider, lambda) {
  return createAuthSchemeUncached(authorizerOptions, provider, localCloudAuthorizers.cachingAuthorizerLambda(lambda, authorizerOptions));
}
`;
}

module.exports = { AuthorizerCache, cachingAuthorizerLambda, ttlSeconds, withAuthorizerCache, DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS };
