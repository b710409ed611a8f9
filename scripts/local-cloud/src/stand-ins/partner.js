// @ts-check
'use strict';

// A development stand-in for the streaming partner's API (docs/api.md "The streaming partner"), an
// external service with nothing to run locally. It behaves as the contract says a partner does:
// POST /accounts {externalId, username, validationPayload} asks our POST /partner/validations
// (through the gateway, with the partner's API key, passing on the x-correlation-* headers it got)
// and creates the account only for {valid: true}: 201 {accountId}; 409 {accountId} for an
// externalId that has one; 422 when told invalid. Our calls must carry its key (`x-api-key`).
// For tests, under /_local: the accounts it holds, the validation calls it made, and fault
// switches (429s, 5xx, slow answers, downtime). Where it differs from a real partner: the local
// cloud's README.

const crypto = require('node:crypto');
const http = require('node:http');
const { readRequestBody, UnreadableBody } = require('../emulators/request-body');

const MAX_BODY_BYTES = 64 * 1024;

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */
/** @typedef {{ status?: number, delayMs?: number, down: boolean, times?: number, until?: number }} Fault */
/** @typedef {{ accountId: string, externalId: string, username: string, createdAt: string }} Account */
/**
 * @typedef {object} ValidationCall
 * @property {string} externalId
 * @property {string} payload
 * @property {Record<string, string>} correlationIds
 * @property {string} at
 * @property {number} [status] 0 when the call itself failed
 * @property {{ valid?: boolean, reason?: string }} [answer]
 * @property {string} [error]
 */
/** @typedef {{ status: number | 'down', externalId?: string, at: string }} AccountCall */

/**
 * @param {object} options
 * @param {() => string} options.validationUrl our POST /partner/validations, through the gateway
 * @param {() => string} options.validationKey the API key the partner calls it with
 * @param {string} options.apiKey the key our calls to the partner must carry
 * @param {(line: string) => void} options.log
 */
function createPartnerStandIn({ validationUrl, validationKey, apiKey, log }) {
  /** @type {Map<string, Account>} externalId -> its account */
  const accounts = new Map();
  /** @type {ValidationCall[]} every call to our validation endpoint: what was sent, what came back */
  const validations = [];
  /** @type {AccountCall[]} every POST /accounts, with the status it got */
  const requests = [];
  /** @type {Fault | undefined} applied to POST /accounts only */
  let fault;

  /** @param {Response} response @param {number} status @param {unknown} [body] */
  const send = (response, status, body) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body === undefined ? '' : JSON.stringify(body));
  };

  function activeFault() {
    if (!fault) return undefined;
    if (fault.until !== undefined && Date.now() >= fault.until) fault = undefined;
    else if (fault.times !== undefined && fault.times <= 0) fault = undefined;
    return fault;
  }

  /** @param {string} payload @param {string} externalId @param {import('node:http').IncomingHttpHeaders} headers */
  async function validate(payload, externalId, headers) {
    /** @type {Record<string, string>} */
    const forwarded = Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('x-correlation-')).map(([name, value]) => [name, String(value)]));
    /** @type {ValidationCall} */
    const call = { externalId, payload, correlationIds: forwarded, at: new Date().toISOString() };
    validations.push(call);
    try {
      const response = await fetch(validationUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': validationKey(), ...forwarded },
        body: JSON.stringify({ payload, externalId }),
        signal: AbortSignal.timeout(5_000),
      });
      call.status = response.status;
      call.answer = /** @type {ValidationCall["answer"]} */ (await response.json().catch(() => undefined));
    } catch (error) {
      call.status = 0;
      call.error = error instanceof Error ? error.message : String(error);
    }
    return call;
  }

  /** @param {Request} request @param {Response} response */
  async function createAccount(request, response) {
    const current = activeFault();
    if (current) {
      if (current.times !== undefined) current.times -= 1;
      if (current.down) {
        // Down: the connection is dropped before any answer, as a partner that is unreachable.
        request.socket.destroy();
        requests.push({ status: 'down', at: new Date().toISOString() });
        return;
      }
      if (current.delayMs) await new Promise((resolve) => setTimeout(resolve, current.delayMs));
      if (current.status) {
        requests.push({ status: current.status, at: new Date().toISOString() });
        return send(response, current.status, { error: current.status === 429 ? 'slow down' : 'partner unavailable' });
      }
    }
    /** @param {number} status @param {{ externalId?: string } & Record<string, unknown>} body */
    const answer = (status, body) => {
      requests.push({ status, externalId: body?.externalId, at: new Date().toISOString() });
      send(response, status, body);
    };
    if (request.headers['x-api-key'] !== apiKey) return answer(401, { error: 'unknown API key' });
    let body;
    try {
      body = JSON.parse(await readRequestBody(request, { maxBytes: MAX_BODY_BYTES }));
    } catch (error) {
      return answer(error instanceof UnreadableBody && error.reason === 'too-large' ? 413 : 400, { error: 'the body is not JSON' });
    }
    const { externalId, username, validationPayload } = body ?? {};
    if (typeof externalId !== 'string' || externalId === '' || typeof username !== 'string' || typeof validationPayload !== 'string') {
      return answer(400, { error: 'externalId, username and validationPayload are required strings' });
    }
    const existing = accounts.get(externalId);
    if (existing) return answer(409, { error: 'externalId already has an account', accountId: existing.accountId, externalId });
    const validation = await validate(validationPayload, externalId, request.headers);
    if (validation.status !== 200) return answer(502, { error: `the validation call answered ${validation.status}` });
    if (validation.answer?.valid !== true) return answer(422, { error: 'validation refused', reason: validation.answer?.reason, externalId });
    // Another request for the same externalId may have created it while this one was validating.
    const raced = accounts.get(externalId);
    if (raced) return answer(409, { error: 'externalId already has an account', accountId: raced.accountId, externalId });
    const account = { accountId: `acct-${crypto.randomUUID()}`, externalId, username, createdAt: new Date().toISOString() };
    accounts.set(externalId, account);
    return answer(201, { accountId: account.accountId, externalId });
  }

  /** @param {Request} request @param {Response} response @param {string} path */
  async function local(request, response, path) {
    if (path === '/_local/accounts' && request.method === 'GET') return send(response, 200, { items: [...accounts.values()] });
    if (path === '/_local/validations' && request.method === 'GET') return send(response, 200, { items: validations });
    if (path === '/_local/requests' && request.method === 'GET') return send(response, 200, { items: requests });
    if (path === '/_local/faults') {
      if (request.method === 'GET') return send(response, 200, { fault: activeFault() ?? null });
      if (request.method === 'DELETE') {
        fault = undefined;
        return send(response, 200, { fault: null });
      }
      if (request.method === 'POST') {
        const { status, times, forMs, delayMs, down } = JSON.parse((await readRequestBody(request)) || '{}');
        if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599)) return send(response, 400, { error: 'status is a 4xx or 5xx' });
        if (!status && !delayMs && !down) return send(response, 400, { error: 'a fault needs status, delayMs or down' });
        fault = { status, delayMs, down: Boolean(down), times, until: forMs === undefined ? undefined : Date.now() + forMs };
        log(`partner stand-in: fault ${JSON.stringify(fault)}`);
        return send(response, 200, { fault });
      }
    }
    return send(response, 404, { error: `${request.method} ${path} is not served by the partner stand-in` });
  }

  return http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://partner.local').pathname;
    const handling = path.startsWith('/_local/')
      ? local(request, response, path)
      : path === '/accounts' && request.method === 'POST'
        ? createAccount(request, response)
        : send(response, 404, { error: `${request.method} ${path} is not the partner's API` });
    Promise.resolve(handling).catch((error) => {
      log(`partner stand-in: ${error.stack ?? error}`);
      if (!response.headersSent) send(response, 500, { error: 'the partner stand-in failed' });
    });
  });
}

module.exports = { createPartnerStandIn };
