'use strict';

// A route's Lambda authorizer run as API Gateway runs it: TOKEN (the identity source's header) or
// REQUEST (the request's parts), its policy checked against the method ARN, its answer cached for
// resultTtlInSeconds (300 by default, as on AWS) under the identity source, and
// {principalId, ...context} handed on as the event's requestContext.authorizer.

const { methodArn } = require('./api-gateway-event');

/** The authorizer a route's `http` event declares: {functionKey, type, header, ttlSeconds}, or undefined. */
function authorizerOf(httpEvent) {
  const declared = httpEvent.authorizer;
  if (!declared) return undefined;
  const spec = typeof declared === 'string' ? { name: declared } : declared;
  if (spec.arn && !spec.name) throw new Error(`authorizer ${spec.arn}: only a function of this service can be served as an authorizer`);
  if (spec.type && !['token', 'request'].includes(String(spec.type).toLowerCase())) {
    throw new Error(`authorizer ${spec.name}: type ${spec.type} is not served (TOKEN and REQUEST are)`);
  }
  const source = String(spec.identitySource ?? 'method.request.header.Authorization');
  const header = /^method\.request\.header\.(.+)$/.exec(source.split(',')[0].trim())?.[1];
  return {
    functionKey: spec.name,
    type: String(spec.type ?? 'token').toUpperCase(),
    header: header?.toLowerCase(),
    validation: spec.identityValidationExpression ? new RegExp(spec.identityValidationExpression) : undefined,
    ttlSeconds: spec.resultTtlInSeconds ?? 300,
  };
}

// IAM's wildcards: * any run of characters, ? one.
const arnPattern = (resource) => new RegExp(`^${String(resource).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
const list = (value) => (Array.isArray(value) ? value : [value]);

/** 'Allow' when a statement allows execute-api:Invoke on the ARN and none denies it; else 'Deny'. */
function policyDecision(policy, arn) {
  let allowed = false;
  for (const statement of list(policy?.Statement ?? [])) {
    const actions = list(statement.Action ?? []);
    if (!actions.some((action) => action === '*' || /^execute-api:(\*|Invoke)$/.test(action))) continue;
    if (!list(statement.Resource ?? []).some((resource) => arnPattern(resource).test(arn))) continue;
    if (statement.Effect === 'Deny') return 'Deny';
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'Allow' : 'Deny';
}

/** What the authorizer said, as the event's requestContext.authorizer carries it. */
function authorizerContext(result, latencyMs) {
  const context = {};
  for (const [name, value] of Object.entries(result.context ?? {})) {
    // API Gateway refuses a context value that is not a string, number or boolean (a 500).
    if (value !== null && typeof value === 'object') throw new Error(`the authorizer's context.${name} is not a string, number or boolean`);
    context[name] = value;
  }
  return { ...context, principalId: result.principalId, integrationLatency: latencyMs };
}

/**
 * Runs one authorizer for a request. Resolves {ok: true, authorizer} or {ok: false, status, code,
 * message}: 401 without an identity (or for "Unauthorized"), 403 for a policy that does not allow
 * the method, 500 for an authorizer that fails otherwise.
 */
function createAuthorizerRunner({ invoke, api, log }) {
  const cache = new Map(); // functionKey + identity -> {result, expires}

  return async function authorize(authorizer, { fn, method, path, headers, event }) {
    const identity = authorizer.header ? headers[authorizer.header] : undefined;
    if (authorizer.type === 'TOKEN' && (identity === undefined || (authorizer.validation && !authorizer.validation.test(identity)))) {
      return { ok: false, status: 401, code: 'Unauthorized', message: 'Unauthorized' };
    }
    if (authorizer.type === 'REQUEST' && authorizer.header && identity === undefined) {
      return { ok: false, status: 401, code: 'Unauthorized', message: 'Unauthorized' };
    }
    const arn = methodArn(api, method, path);
    const cacheKey = `${authorizer.functionKey}\n${identity ?? ''}`;
    let cached = authorizer.ttlSeconds > 0 && authorizer.header ? cache.get(cacheKey) : undefined;
    if (cached && cached.expires < Date.now()) cached = undefined;
    let result = cached?.result;
    let latencyMs = 0;
    if (!result) {
      const authorizerEvent =
        authorizer.type === 'TOKEN'
          ? { type: 'TOKEN', authorizationToken: identity, methodArn: arn }
          : { type: 'REQUEST', methodArn: arn, ...event, requestContext: { ...event.requestContext, authorizer: undefined } };
      const started = Date.now();
      const outcome = await invoke(fn, authorizerEvent);
      latencyMs = Date.now() - started;
      if (!outcome.ok) {
        if (outcome.errorMessage === 'Unauthorized') return { ok: false, status: 401, code: 'Unauthorized', message: 'Unauthorized' };
        log(`authorizer ${authorizer.functionKey} failed: ${outcome.errorMessage}`);
        return { ok: false, status: 500, code: 'InternalError', message: 'Authorizer error' };
      }
      result = outcome.result;
      if (authorizer.ttlSeconds > 0 && authorizer.header) cache.set(cacheKey, { result, expires: Date.now() + authorizer.ttlSeconds * 1000 });
    }
    if (policyDecision(result?.policyDocument, arn) !== 'Allow') {
      return { ok: false, status: 403, code: 'Forbidden', message: 'User is not authorized to access this resource' };
    }
    try {
      return { ok: true, authorizer: authorizerContext(result, latencyMs) };
    } catch (error) {
      log(`authorizer ${authorizer.functionKey}: ${error.message}`);
      return { ok: false, status: 500, code: 'InternalError', message: 'Authorizer error' };
    }
  };
}

module.exports = { authorizerOf, createAuthorizerRunner, policyDecision };
