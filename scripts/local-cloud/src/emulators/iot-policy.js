'use strict';

// The subset of IoT Core's policy evaluation the local broker applies to what a custom authorizer
// returns: statements with Effect, Action and Resource (a string or a list), `*` and `?` wildcards
// in both, an explicit Deny beating any Allow, and nothing allowed unless a statement says so.
// Not evaluated: Condition, NotAction, NotResource, and policy variables (`${iot:ClientId}` …),
// which IoT Core substitutes; a statement that uses one is refused outright, so a policy that works
// here never allows more on AWS.

const UNSUPPORTED = ['Condition', 'NotAction', 'NotResource'];

/** Thrown for a policy the local broker cannot evaluate faithfully. */
class UnsupportedPolicy extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'UnsupportedPolicy';
  }
}

/** @type {(value: any) => any[]} a policy's string-or-list field */
const list = (value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const glob = (/** @type {string} */ pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
// Actions are case-insensitive in IAM-style policies; resources are not.
const matchesAction = (/** @type {string} */ pattern, /** @type {string} */ action) => glob(pattern.toLowerCase()).test(action.toLowerCase());

/** @typedef {{ effect: 'Allow' | 'Deny', actions: string[], resources: RegExp[] }} Statement */

/**
 * Parses policy documents (JSON strings, as an authorizer returns them) into statements; throws UnsupportedPolicy.
 * @param {unknown[]} documents
 * @returns {Statement[]}
 */
function statementsOf(documents) {
  /** @type {Statement[]} */
  const statements = [];
  for (const document of documents) {
    const policy = typeof document === 'string' ? JSON.parse(document) : document;
    for (const statement of list(policy.Statement)) {
      const used = UNSUPPORTED.filter((key) => key in statement);
      if (used.length > 0) throw new UnsupportedPolicy(`the local broker does not evaluate ${used.join(', ')}`);
      if (list(statement.Resource).some((resource) => resource.includes('${'))) throw new UnsupportedPolicy('the local broker does not substitute policy variables');
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new UnsupportedPolicy(`unknown Effect ${statement.Effect}`);
      statements.push({ effect: statement.Effect, actions: list(statement.Action), resources: list(statement.Resource).map(glob) });
    }
  }
  return statements;
}

/**
 * Whether `statements` allow `action` (`iot:Subscribe`) on `resource` (a full ARN).
 * @param {Statement[]} statements
 * @param {string} action
 * @param {string} resource
 */
function isAllowed(statements, action, resource) {
  let allowed = false;
  for (const statement of statements) {
    if (!statement.actions.some((pattern) => matchesAction(pattern, action))) continue;
    if (!statement.resources.some((pattern) => pattern.test(resource))) continue;
    if (statement.effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

module.exports = { statementsOf, isAllowed, UnsupportedPolicy };
