import * as v from 'valibot';
import { buildContext, CallChainTooLongError, runWithContext } from '@yubl/correlation';
import { ForbiddenError, HttpError, ValidationError } from '@yubl/errors';
import { apiGatewayV2, captureLogs, type CapturedLogs } from '@yubl/test-harness';
import { errorResponse, httpHandler, isJsonContentType, noContent, ok, parseJsonBody, toGatewayResponse, toHttpRequest, validateBody } from '../../src';
import { apiGatewayV1, lambdaContext } from '@yubl/test-harness';

let logs: CapturedLogs;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const json = { 'content-type': 'application/json' };
const inRequest = <T>(id: string, fn: () => T) => runWithContext(buildContext({ 'x-correlation-id': id }, '', {}, { debugSampleRate: 0, maxCallChainLength: 10 }), fn);

describe('a JSON request body', () => {
  it('is undefined when there is none', () => {
    for (const body of [undefined, null, '']) expect(parseJsonBody({ body, headers: {} }, 10)).toBeUndefined();
  });

  it('is decoded from base64 when API Gateway says so', () => {
    expect(parseJsonBody({ body: Buffer.from('{"a":"é"}').toString('base64'), isBase64Encoded: true, headers: json }, 100)).toEqual({ a: 'é' });
  });

  it('is measured in bytes, not characters, against the limit', () => {
    expect(parseJsonBody({ body: '"ééé"', headers: json }, 8)).toBe('ééé'); // 8 bytes
    expect(() => parseJsonBody({ body: '"éééé"', headers: json }, 9)).toThrow(expect.objectContaining({ status: 413, message: 'The body is over 9 bytes' })); // 10 bytes
    expect(parseJsonBody({ body: '"abc"', headers: json }, 5)).toBe('abc');
    expect(() => parseJsonBody({ body: '"abcd"', headers: json }, 5)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('needs a JSON content type, found whatever the header`s case', () => {
    expect(parseJsonBody({ body: '1', headers: { 'CONTENT-TYPE': 'application/json' } }, 10)).toBe(1);
    for (const headers of [null, undefined, {}, { 'content-typo': 'application/json' }, { 'x-content-type': 'application/json' }]) {
      expect(() => parseJsonBody({ body: '1', headers }, 10)).toThrow(expect.objectContaining({ status: 415, message: 'The body must be JSON, sent as content-type: application/json' }));
    }
  });

  it('must parse', () => {
    expect(() => parseJsonBody({ body: '{', headers: json }, 10)).toThrow(expect.objectContaining({ status: 400, message: 'The body is not valid JSON' }));
  });
});

describe('a JSON content type', () => {
  it.each(['application/json', 'Application/JSON', 'application/json;charset=utf-8', 'application/json ; charset=utf-8', 'application/problem+json', 'application/vnd.api+json'])('is %s', (type) => {
    expect(isJsonContentType(type)).toBe(true);
  });

  it.each([undefined, '', 'text/json', 'application/jsonx', 'application/json-seq', 'xapplication/json', 'application/+json', 'text/plain; application/json'])('is not %s', (type) => {
    expect(isJsonContentType(type)).toBe(false);
  });
});

describe('validating a body', () => {
  const Body = v.object({ post: v.object({ tags: v.array(v.string()) }) });

  it('answers the schema`s output', async () => {
    expect(await validateBody(v.object({ n: v.pipe(v.string(), v.transform(Number)) }), { n: '2' })).toEqual({ n: 2 });
  });

  it('says where each issue is, as a dotted path under body', async () => {
    await expect(validateBody(Body, { post: { tags: ['a', 1] } })).rejects.toMatchObject({ status: 400, message: 'The body is not valid', details: [{ path: 'body.post.tags.1', message: expect.any(String) }] });
  });

  it('says a body is required when there is none', async () => {
    await expect(validateBody(Body, undefined)).rejects.toMatchObject({ message: 'A JSON body is required', details: [{ path: 'body' }] });
  });

  it('takes asynchronous validators, and plain path segments', async () => {
    const schema = { '~standard': { validate: async () => ({ issues: [{ message: 'no', path: ['a', 0] }] }) } };
    await expect(validateBody(schema, {})).rejects.toMatchObject({ details: [{ path: 'body.a.0', message: 'no' }] });
  });
});

describe('a handler`s result as API Gateway`s', () => {
  it('is 204 with no body for no result, and 200 for no status', () => {
    expect(toGatewayResponse(undefined)).toStrictEqual({ statusCode: 204, headers: {} });
    expect(toGatewayResponse(noContent())).toStrictEqual({ statusCode: 204, headers: {} });
    expect(toGatewayResponse({ body: { a: 1 } })).toStrictEqual({ statusCode: 200, headers: json, body: '{"a":1}' });
  });

  it('sends a text body as it is, keeps the handler`s content type, and carries base64 bodies', () => {
    expect(toGatewayResponse({ statusCode: 200, body: 'hi', headers: { 'content-type': 'text/plain' } })).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(toGatewayResponse({ statusCode: 200, body: ['x'], headers: { 'content-type': 'application/vnd.api+json' } }).headers['content-type']).toBe('application/vnd.api+json');
    expect(toGatewayResponse({ statusCode: 200, body: 'aGk=', isBase64Encoded: true })).toEqual({ statusCode: 200, headers: {}, body: 'aGk=', isBase64Encoded: true });
    expect(toGatewayResponse({ statusCode: 200, body: 'x', isBase64Encoded: false })).not.toHaveProperty('isBase64Encoded');
  });

  it('carries the request`s x-correlation-id, without touching the handler`s headers', () => {
    const headers = { 'x-own': '1' };
    expect(inRequest('c1', () => toGatewayResponse({ statusCode: 200, headers }))).toEqual({ statusCode: 200, headers: { 'x-own': '1', 'x-correlation-id': 'c1' } });
    expect(headers).toEqual({ 'x-own': '1' });
  });

  it('carries an x-correlation-id outside ASCII percent-encoded, as docs/api.md says headers carry it', () => {
    expect(inRequest('ïd-🙂', () => toGatewayResponse({ statusCode: 200 })).headers['x-correlation-id']).toBe(encodeURIComponent('ïd-🙂'));
  });
});

describe('a thrown error as API Gateway`s answer', () => {
  it('is the error`s status and code, with details when it has them', () => {
    const refused = errorResponse(new ValidationError('bad', [{ path: 'body.a', message: 'missing' }]));
    expect(refused).toEqual({ statusCode: 400, headers: json, body: JSON.stringify({ error: { code: 'ValidationError', message: 'bad', details: [{ path: 'body.a', message: 'missing' }] } }) });
    expect(JSON.parse(errorResponse(new ForbiddenError()).body!)).toEqual({ error: { code: 'Forbidden', message: 'Not allowed' } });
    expect(logs).toHaveLogged({ level: 'info', message: 'request refused', status: 403, code: 'Forbidden', reason: 'Not allowed' });
  });

  it('is logged as an error when its status is 5xx', () => {
    expect(errorResponse(new HttpError(500, 'Broken', 'broken')).statusCode).toBe(500);
    expect(logs).toHaveLogged({ level: 'error', message: 'request failed', error: { message: 'broken' } });
    const answer = errorResponse(new HttpError(503, 'Unavailable', 'try later'));
    expect(answer.statusCode).toBe(503);
    expect(logs).toHaveLogged({ level: 'error', message: 'request failed', error: { message: 'try later' } });
    expect(logs).not.toHaveLogged({ level: 'info' });
  });

  it('is a 400 CallChainTooLong, logged as a warning, for a call chain at its limit', () => {
    const answer = errorResponse(new CallChainTooLongError(11, 10));
    expect(answer).toMatchObject({ statusCode: 400, headers: json });
    expect(JSON.parse(answer.body!)).toEqual({ error: { code: 'CallChainTooLong', message: new CallChainTooLongError(11, 10).message } });
    expect(logs).toHaveLogged({ level: 'warn', message: 'request refused: call chain too long', length: 11, max: 10 });
  });

  it('is a 500 that says nothing of anything else thrown, quoting the id only when there is one', () => {
    const answer = errorResponse('a string');
    expect(answer).toMatchObject({ statusCode: 500, headers: json });
    expect(JSON.parse(answer.body!)).toEqual({ error: { code: 'InternalError', message: 'Something went wrong on our side' } });
    expect(logs).toHaveLogged({ level: 'error', message: 'request failed with an unexpected error', error: 'a string' });
    expect(JSON.parse(inRequest('c9', () => errorResponse(new Error('x'))).body!).error.message).toBe('Something went wrong on our side; quote c9 when you report it');
  });
});

describe('a dependency that did not answer, as API Gateway`s answer', () => {
  const timedOut = Object.assign(new Error('a request has exceeded the configured 1200 ms requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
  const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
  const aborted = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
  const config = Object.assign(new Error('config value auth/jwt-secret has never been loaded'), { name: 'ConfigUnavailableError' });

  it.each([
    ['an SDK call past its request timeout', timedOut],
    ['a connection refused, in the cause of fetch`s error', refused],
    ['a fetch past its AbortSignal.timeout', aborted],
    ['throttling', throttled],
    ['a config value that could not be loaded', config],
  ])('is a 503 ServiceUnavailable in the contract`s shape, with the correlation id, for %s', (_, error) => {
    const answer = inRequest('c503', () => errorResponse(error));
    expect(answer).toMatchObject({ statusCode: 503, headers: { ...json, 'retry-after': '1', 'x-correlation-id': 'c503' } });
    expect(JSON.parse(answer.body!)).toEqual({ error: { code: 'ServiceUnavailable', message: expect.stringMatching(/not answering/) } });
    expect(logs).toHaveLogged({ level: 'warn', message: 'request failed: a dependency is unavailable' });
  });

  it('is still a 500 for an error of ours', () => {
    expect(errorResponse(new RangeError('bug')).statusCode).toBe(500);
    expect(errorResponse(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })).statusCode).toBe(500);
  });
});

describe('the request a handler sees', () => {
  it('has the headers that have a value, lowercased, and survives an event with no request context', () => {
    const request = toHttpRequest({ headers: { 'X-A': '1', 'x-b': undefined }, httpMethod: 'GET', path: '/' } as never, undefined);
    expect(request.headers).toStrictEqual({ 'x-a': '1' });
    expect(toHttpRequest({ headers: null } as never, undefined)).toMatchObject({ method: undefined, principalId: undefined });
    expect(toHttpRequest({ requestContext: { authorizer: {} } } as never, undefined).principalId).toBeUndefined();
  });

  it('goes through the middleware chain the handler was given', async () => {
    const seen: string[] = [];
    const handler = httpHandler(async () => ok({ handled: true }), {
      chain: (core) => async (event, context) => {
        seen.push('before');
        const result = await core(event, context);
        seen.push('after');
        return result;
      },
    });
    const response = await handler(apiGatewayV1({ path: '/x' }), lambdaContext());
    expect(seen).toEqual(['before', 'after']);
    expect(JSON.parse(response.body!)).toEqual({ handled: true });
  });

  it('is made from an HTTP API (v2) event too, with a Lambda authorizer`s principal', () => {
    const event = apiGatewayV2({ method: 'DELETE', path: '/a', headers: { 'X-Thing': '1' } });
    (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: { principalId: 'u2' } };
    expect(toHttpRequest(event, undefined)).toEqual({ method: 'DELETE', path: '/a', pathParameters: {}, query: {}, headers: expect.objectContaining({ 'x-thing': '1' }), body: undefined, principalId: 'u2' });
  });
});
