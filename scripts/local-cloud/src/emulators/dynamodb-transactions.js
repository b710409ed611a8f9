'use strict';

// DynamoDB's TransactWriteItems and TransactGetItems for dynalite 4, which has neither (the outbox of
// docs/design.md needs them). They run on dynalite's own store with dynalite's own pieces — its
// request validations, condition checks, per-key locks, index upkeep and update-expression code — so
// each element behaves as the matching PutItem, UpdateItem or DeleteItem would, and single-item writes
// wait on the very locks a transaction holds.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');
const { readRequestBody, UnreadableBody } = require('./request-body');

const requireFromDynalite = createRequire(require.resolve('dynalite'));
const dynaliteDb = requireFromDynalite('./db');
const validations = requireFromDynalite('./validations');
const crc32 = requireFromDynalite('buffer-crc32');
/** @type {Record<string, any>} */
const actionValidations = {
  putItem: requireFromDynalite('./validations/putItem'),
  updateItem: requireFromDynalite('./validations/updateItem'),
  deleteItem: requireFromDynalite('./validations/deleteItem'),
  getItem: requireFromDynalite('./validations/getItem'),
};

/**
 * dynalite's internals have no types: its store, tables and item databases are `any` here.
 * @typedef {any} Store dynalite's db store (`getTable`, `getItemDb`, `options`)
 * @typedef {{ kind: string, data: any, table?: any, key?: string, itemDb?: any }} Element a transaction element, validated; located by `locate`
 * @typedef {Error & { statusCode?: number, body?: object }} ServiceError an error answered with its status and body
 */

const TRANSACT_ITEMS_LIMIT = 100; // AWS's limit since 2022 (it was 25)
const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;
const MAX_REQUEST_BYTES = 16 * 1024 * 1024; // as dynalite's own handler
const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/**
 * dynalite's update-expression code (applyUpdateExpression and the deepClone it goes with) lives
 * inside actions/updateItem.js and is not exported. Calling updateItem itself would take the item's
 * lock, which the transaction already holds, and write at once, where a transaction writes only after
 * every condition has passed; writing update expressions again would be a second implementation to keep
 * in step with the first. So that file's own source is compiled once more, with its own require (the
 * same db module instance) and one appended line that hands the two functions out.
 * test/unit/dynamodb-transactions.test.ts fails if dynalite renames or reshapes them.
 * @returns {{ applyUpdateExpression: (sections: unknown, table: unknown, item: unknown) => Error | undefined, deepClone: <T>(value: T) => T }}
 */
function loadDynaliteUpdateCode() {
  const filename = requireFromDynalite.resolve('./actions/updateItem');
  const source = fs.readFileSync(filename, 'utf8');
  const exposed = 'module.exports = { applyUpdateExpression, deepClone };';
  const factory = vm.compileFunction(`${source}\n;${exposed}\n`, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
  const compiled = { exports: /** @type {any} */ ({}) };
  try {
    factory(compiled.exports, createRequire(filename), compiled, filename, path.dirname(filename));
  } catch (error) {
    throw new Error(`dynalite's ${filename} no longer defines what the transactions reuse (${exposed}): ${/** @type {Error} */ (error).message}`);
  }
  return compiled.exports;
}

const { applyUpdateExpression, deepClone } = loadDynaliteUpdateCode();

// ---- request shapes, in dynalite's own validation vocabulary --------------------------------------

// What a transaction element has that no single-item action has.
/** @type {Record<string, object>} */
const ELEMENT_ONLY_TYPES = { ReturnValuesOnConditionCheckFailure: { type: 'String', enum: ['ALL_OLD', 'NONE'] } };

/**
 * A transaction element's shape: these members of one of dynalite's action shapes (or ELEMENT_ONLY_TYPES).
 * @param {string} action
 * @param {string[]} members
 * @param {string[]} required
 */
function elementShape(action, members, required) {
  const { types } = actionValidations[action];
  /** @type {Record<string, object>} */
  const children = {};
  for (const member of members) {
    const type = types[member] ?? ELEMENT_ONLY_TYPES[member];
    if (!type) throw new Error(`dynalite's ${action} validation has no ${member}`);
    children[member] = { ...type, ...(required.includes(member) && { notNull: true }) };
  }
  return { type: `ValueStruct<${action}>`, children };
}

const EXPRESSION_MEMBERS = ['TableName', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues', 'ReturnValuesOnConditionCheckFailure'];

// Each element kind, the dynalite action whose validation parses its expressions, and what it writes.
/** @type {Record<string, { action: string, shape: object }>} */
const WRITE_KINDS = {
  ConditionCheck: { action: 'deleteItem', shape: elementShape('deleteItem', ['Key', ...EXPRESSION_MEMBERS], ['ConditionExpression']) },
  Put: { action: 'putItem', shape: elementShape('putItem', ['Item', ...EXPRESSION_MEMBERS], []) },
  Delete: { action: 'deleteItem', shape: elementShape('deleteItem', ['Key', ...EXPRESSION_MEMBERS], []) },
  Update: { action: 'updateItem', shape: elementShape('updateItem', ['Key', 'UpdateExpression', ...EXPRESSION_MEMBERS], ['UpdateExpression']) },
};

const { ReturnConsumedCapacity, ReturnItemCollectionMetrics } = actionValidations.putItem.types;

const transactItemsShape = (/** @type {string} */ elementType, /** @type {Record<string, object>} */ children) => ({
  type: 'List',
  notNull: true,
  lengthGreaterThanOrEqual: 1,
  lengthLessThanOrEqual: TRANSACT_ITEMS_LIMIT,
  children: { type: `ValueStruct<${elementType}>`, children },
});

const TRANSACT_WRITE_TYPES = {
  TransactItems: transactItemsShape('TransactWriteItem', Object.fromEntries(Object.entries(WRITE_KINDS).map(([kind, { shape }]) => [kind, shape]))),
  ClientRequestToken: { type: 'String', lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 36 },
  ReturnConsumedCapacity,
  ReturnItemCollectionMetrics,
};

const TRANSACT_GET_TYPES = {
  TransactItems: transactItemsShape('TransactGetItem', {
    Get: { ...elementShape('getItem', ['Key', 'TableName', 'ProjectionExpression', 'ExpressionAttributeNames'], []), notNull: true },
  }),
  ReturnConsumedCapacity,
};

/**
 * Each element's kind and its action data, checked and parsed (`_condition`, `_updates`, `_projection`) by dynalite.
 * @param {unknown} body
 * @param {object} types
 * @param {string[]} kindsOf
 * @param {Store} store
 * @returns {{ data: any, elements: Element[] }}
 */
function validatedElements(body, types, kindsOf, store) {
  const data = validations.checkTypes(body, types);
  /** @type {Element[]} */
  let elements = [];
  validations.checkValidations(data, types, (/** @type {any} */ checked) => {
    elements = [];
    for (const element of checked.TransactItems) {
      const kinds = kindsOf.filter((kind) => element[kind] != null);
      if (kinds.length !== 1) return 'TransactItems can only contain one of Check, Put, Update or Delete';
      const kind = /** @type {string} */ (kinds[0]);
      const action = WRITE_KINDS[kind]?.action ?? 'getItem';
      const message = actionValidations[action].custom(element[kind], store);
      if (message) return message;
      elements.push({ kind, data: element[kind] });
    }
    return null;
  }, store);
  return { data, elements };
}

// ---- the store: tables, keys and locks ------------------------------------------------------------

/** @type {(run: (done: (error: unknown, value?: any) => void) => void) => Promise<any>} a callback API's answer */
const callback = (run) => new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));

/**
 * Each element's table and item key, checked as the single-item action checks them; one element an item.
 * @param {Store} store
 * @param {Element[]} elements
 */
async function locate(store, elements) {
  const tables = new Map();
  const seen = new Set();
  for (const element of elements) {
    const { TableName } = element.data;
    if (!tables.has(TableName)) tables.set(TableName, await callback((done) => store.getTable(TableName, false, done)));
    const table = tables.get(TableName);
    const keyAttributes = element.kind === 'Put' ? element.data.Item : element.data.Key;
    const invalid = element.kind === 'Put'
      ? dynaliteDb.validateItem(keyAttributes, table)
      : dynaliteDb.validateKey(keyAttributes, table)
        ?? (element.kind === 'Update' ? dynaliteDb.validateUpdates(undefined, element.data._updates, table) : null)
        ?? (element.kind === 'Get' ? dynaliteDb.validateKeyPaths(element.data._projection?.nestedPaths, table) : null);
    if (invalid) throw invalid;
    element.table = table;
    element.key = dynaliteDb.createKey(keyAttributes, table);
    element.itemDb = store.getItemDb(TableName);
    const identity = `${TableName}\u0000${element.key}`;
    if (seen.has(identity)) throw dynaliteDb.validationError('Transaction request cannot include multiple operations on one item');
    seen.add(identity);
  }
}

/**
 * Takes every element's item lock — dynalite's own per-table lock, the one PutItem, UpdateItem,
 * DeleteItem and BatchWriteItem take — one at a time in a fixed order (table name, then key), so two
 * transactions over the same items never wait on each other in a cycle. Resolves to the release of all.
 * @param {Element[]} elements located
 */
async function lockAll(elements) {
  const ordered = [...elements].sort((a, b) => compareStrings(a.data.TableName, b.data.TableName) || compareStrings(String(a.key), String(b.key)));
  /** @type {(() => void)[]} */
  const releases = [];
  for (const { itemDb, key } of ordered) {
    releases.push(await new Promise((resolve) => itemDb.lock(key, (/** @type {(then: () => void) => () => void} */ release) => resolve(release(() => {})))));
  }
  return () => releases.forEach((release) => release());
}

const compareStrings = (/** @type {string} */ a, /** @type {string} */ b) => (a < b ? -1 : a > b ? 1 : 0);

/** @param {any} itemDb @param {string | undefined} key */
async function readItem(itemDb, key) {
  try {
    return (await callback((done) => itemDb.get(key, done))) ?? undefined;
  } catch (error) {
    if (/** @type {Error} */ (error).name === 'NotFoundError') return undefined;
    throw error;
  }
}

// ---- TransactWriteItems ---------------------------------------------------------------------------

const NONE = { Code: 'None' };

/**
 * @typedef {{ Code: string, Message?: string, Item?: object }} CancellationReason
 * @typedef {{ reason: CancellationReason, item?: undefined, keep?: undefined } | { keep: true, item?: undefined, reason?: undefined } | { item: object | undefined, keep?: undefined, reason?: undefined }} Outcome
 */

/**
 * What one element would leave in its item's place (`undefined` to delete it, `keep` to leave it), or why it cancels.
 * @param {Element} element
 * @param {object | undefined} existing
 * @param {Store} store
 * @returns {Outcome}
 */
function outcomeOf(element, existing, store) {
  if (dynaliteDb.checkConditional(element.data, existing) != null) {
    /** @type {CancellationReason} */
    const reason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
    if (existing && element.data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') reason.Item = existing;
    return { reason };
  }
  switch (element.kind) {
    case 'ConditionCheck': return { keep: true };
    case 'Put': return { item: element.data.Item };
    case 'Delete': return { item: undefined };
    default: {
      const item = deepClone(existing ?? element.data.Key);
      const invalid = applyUpdateExpression(element.data._updates.sections, element.table, item);
      if (invalid) return { reason: { Code: 'ValidationError', Message: invalid.message } };
      if (dynaliteDb.itemSize(item) > store.options.maxItemSize) {
        return { reason: { Code: 'ValidationError', Message: 'Item size to update has exceeded the maximum allowed size' } };
      }
      return { item };
    }
  }
}

/** @param {CancellationReason[]} reasons */
function cancelled(reasons) {
  const codes = reasons.map((reason) => reason.Code).join(', ');
  return serviceError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`, { CancellationReasons: reasons });
}

/**
 * All or nothing: every item locked and read, every condition checked, then every write (indexes first, as dynalite does).
 * @param {Store} store
 * @param {Element[]} elements
 */
async function commitWrites(store, elements) {
  await locate(store, elements);
  const release = await lockAll(elements);
  try {
    const existing = await Promise.all(elements.map((element) => readItem(element.itemDb, element.key)));
    const outcomes = elements.map((element, i) => outcomeOf(element, existing[i], store));
    if (outcomes.some((outcome) => outcome.reason)) throw cancelled(outcomes.map((outcome) => outcome.reason ?? NONE));
    await Promise.all(elements.map(async (element, i) => {
      const { item, keep } = /** @type {Outcome} */ (outcomes[i]);
      if (keep) return;
      await callback((done) => dynaliteDb.updateIndexes(store, element.table, existing[i], item, done));
      await callback((done) => (item ? element.itemDb.put(element.key, item, done) : element.itemDb.del(element.key, done)));
    }));
  } finally {
    release();
  }
  return {};
}

/**
 * Same key order, any whitespace: what makes two requests "the same request" for a client token.
 * @param {unknown} value
 */
function fingerprint(value) {
  /** @type {(v: any) => unknown} */
  const canonical = (v) => (Array.isArray(v) ? v.map(canonical)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v);
  return crypto.createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

/**
 * ClientRequestToken: a committed transaction's token answers the same request again with the same
 * answer, applying nothing, for 10 minutes after it completed; a different request under that token is
 * IdempotentParameterMismatchException, and one while the first is still running
 * TransactionInProgressException. A cancelled transaction changed nothing, so its token is forgotten
 * and a retry is evaluated afresh.
 * @param {() => number} now
 */
function createTokenRegistry(now) {
  /** @type {Map<string, { fingerprint: string, response?: unknown, expiresAt?: number }>} */
  const tokens = new Map();
  /** @type {[string, number][]} */
  const expiries = []; // [token, expiresAt], in completion order: the oldest expire first
  const forgetExpired = () => {
    while (expiries.length && /** @type {[string, number]} */ (expiries[0])[1] <= now()) {
      const [token, expiresAt] = /** @type {[string, number]} */ (expiries.shift());
      if (tokens.get(token)?.expiresAt === expiresAt) tokens.delete(token);
    }
  };
  return {
    /**
     * @param {string | undefined} token
     * @param {string} requestFingerprint
     * @param {() => Promise<unknown>} commit
     */
    async run(token, requestFingerprint, commit) {
      forgetExpired();
      if (token == null) return commit();
      const known = tokens.get(token);
      if (known && known.fingerprint !== requestFingerprint) {
        throw serviceError('IdempotentParameterMismatchException', 'The request uses the same client token as a previous, but non-identical request.');
      }
      if (known?.response) return known.response;
      if (known) throw serviceError('TransactionInProgressException', 'The transaction with the given request token is already in progress.');
      tokens.set(token, { fingerprint: requestFingerprint });
      try {
        const response = await commit();
        const expiresAt = now() + IDEMPOTENCY_WINDOW_MS;
        tokens.set(token, { fingerprint: requestFingerprint, response, expiresAt });
        expiries.push([token, expiresAt]);
        return response;
      } catch (error) {
        tokens.delete(token);
        throw error;
      }
    },
  };
}

// ---- TransactGetItems -----------------------------------------------------------------------------

/**
 * Every item read under its lock, so a transaction's writes are seen all or not at all.
 * @param {Store} store
 * @param {Element[]} elements
 */
async function readAll(store, elements) {
  await locate(store, elements);
  const release = await lockAll(elements);
  try {
    const items = await Promise.all(elements.map((element) => readItem(element.itemDb, element.key)));
    return {
      Responses: items.map((item, i) => {
        const projection = elements[i]?.data._projection;
        if (!item) return {};
        return { Item: projection ? dynaliteDb.mapPaths(projection.paths, item) : item };
      }),
    };
  } finally {
    release();
  }
}

// ---- HTTP -------------------------------------------------------------------------------------------

/** @param {string} type @param {string} message @param {object} [members] */
function serviceError(type, message, members = {}) {
  /** @type {ServiceError} */
  const error = new Error(message);
  error.statusCode = 400;
  error.body = { __type: `${ERROR_PREFIX}${type}`, Message: message, ...members };
  return error;
}

/** @param {import('node:http').ServerResponse} res @param {string} contentType @param {number} statusCode @param {unknown} body */
function send(res, contentType, statusCode, body) {
  const text = JSON.stringify(body);
  res.statusCode = statusCode;
  res.setHeader('x-amzn-RequestId', crypto.randomBytes(39).toString('base64').toUpperCase().replace(/[+/]/g, '0'));
  res.setHeader('x-amz-crc32', crc32.unsigned(text));
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}


/**
 * The two transaction actions on `store` (dynalite's own), by their x-amz-target.
 * `now` is the clock of the client-token window.
 * @param {Store} store
 * @param {{ now?: () => number }} [options]
 */
function createTransactions(store, { now = Date.now } = {}) {
  const tokens = createTokenRegistry(now);
  /** @type {Record<string, (body: any) => Promise<unknown>>} */
  const actions = {
    'DynamoDB_20120810.TransactWriteItems': (body) => {
      const { data, elements } = validatedElements(body, TRANSACT_WRITE_TYPES, Object.keys(WRITE_KINDS), store);
      const request = { ...body };
      delete request.ClientRequestToken;
      return tokens.run(data.ClientRequestToken, fingerprint(request), () => commitWrites(store, elements));
    },
    'DynamoDB_20120810.TransactGetItems': (body) => {
      const { elements } = validatedElements(body, TRANSACT_GET_TYPES, ['Get'], store);
      return readAll(store, elements);
    },
  };

  return {
    handles: (/** @type {unknown} */ target) => Object.hasOwn(actions, String(target ?? '')),
    /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
    async answer(req, res) {
      const contentType = String((req.headers['content-type'] ?? '').split(';')[0]).trim() === 'application/json' ? 'application/json' : 'application/x-amz-json-1.0';
      try {
        const text = await readRequestBody(req, { maxBytes: MAX_REQUEST_BYTES }).catch((error) => {
          throw error instanceof UnreadableBody ? Object.assign(error, { statusCode: error.reason === 'too-large' ? 413 : 400 }) : error;
        });
        let body;
        try {
          body = JSON.parse(text);
        } catch {
          throw Object.assign(new Error('not JSON'), { statusCode: 400, body: { __type: 'com.amazon.coral.service#SerializationException' } });
        }
        send(res, contentType, 200, await /** @type {(body: any) => Promise<unknown>} */ (actions[String(req.headers['x-amz-target'])])(body)); // handles() said so
      } catch (thrown) {
        const error = /** @type {ServiceError} */ (thrown);
        if (!error.statusCode) console.error(`dynamodb transactions: ${error.stack}`);
        send(res, contentType, error.statusCode ?? 500, error.body ?? { __type: `${ERROR_PREFIX}InternalServerError`, message: error.message });
      }
    },
  };
}

/**
 * dynalite's server with the transactions in front of its request handler: the x-amz-target header
 * decides, before anything is read, whether a request is answered here or handed to dynalite unread.
 * dynalite makes its store through the db module's `create`; wrapping that one call hands the store
 * over, and keeping dynalite's own server keeps its close, which closes that store.
 */
/** @param {Record<string, unknown>} options dynalite's */
function createDynamodbServer(options) {
  const create = dynaliteDb.create;
  /** @type {Store} */
  let store;
  dynaliteDb.create = (/** @type {unknown} */ storeOptions) => (store = create(storeOptions));
  let server;
  try {
    server = require('dynalite')(options);
  } finally {
    dynaliteDb.create = create;
  }
  if (!store) throw new Error('dynalite no longer makes its store through dynalite/db create(): the transactions cannot reach it');
  const dynaliteHandler = /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} */ (server.listeners('request')[0]);
  const transactions = createTransactions(store);
  server.removeAllListeners('request');
  server.on('request', (req, res) => (transactions.handles(req.headers['x-amz-target']) ? transactions.answer(req, res) : dynaliteHandler(req, res)));
  return server;
}

module.exports = { createDynamodbServer, createTokenRegistry, loadDynaliteUpdateCode, TRANSACT_ITEMS_LIMIT };
