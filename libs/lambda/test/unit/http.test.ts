import * as v from 'valibot';
import { ConflictError, NotFoundError } from '@yubl/errors';
import { log } from '@yubl/logger';
import { apiGatewayV1, apiGatewayV2, captureLogs, eventually, lambdaContext, warmupEvent, type CapturedLogs } from '@yubl/test-harness';
import { created, httpHandler, ok, rawHttpHandler, WARMED } from '../../src';

const PostYubl = v.object({ text: v.pipe(v.string(), v.minLength(1), v.maxLength(500)) });

const post = httpHandler(
  async (request) => {
    log.info('posting', { text: request.body.text });
    if (request.body.text === 'taken') throw new ConflictError('That text is taken');
    if (request.body.text === 'boom') throw new Error('database password=hunter2 rejected');
    return created({ text: request.body.text, by: request.principalId ?? null });
  },
  { body: PostYubl },
);

const get = httpHandler(async (request) => {
  if (request.pathParameters.id === 'missing') throw new NotFoundError('No yubl y-missing');
  return ok({ id: request.pathParameters.id, query: request.query, agent: request.headers['user-agent'] });
});

let logs: CapturedLogs;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const json = (response: any) => JSON.parse(response.body);

describe('httpHandler', () => {
  it('answers with the handler`s status and JSON body, and the client`s x-correlation-id', async () => {
    const response = await post(apiGatewayV1({ method: 'POST', path: '/yubls', body: { text: 'hello' }, headers: { 'X-Correlation-Id': 'c-1' }, principalId: 'u1' }), lambdaContext());
    expect(response).toMatchObject({ statusCode: 201, headers: { 'content-type': 'application/json', 'x-correlation-id': 'c-1' } });
    expect(json(response)).toEqual({ text: 'hello', by: 'u1' });
    expect(logs).toHaveLogged({ level: 'info', message: 'posting', 'x-correlation-id': 'c-1', text: 'hello' });
  });

  it('gives every response a correlation id: API Gateway`s request id when the client sent none', async () => {
    const event = apiGatewayV2({ path: '/yubls/y1', pathParameters: { id: 'y1' }, query: { a: '1' }, headers: { 'User-Agent': 'tests' } });
    const response = await get(event, lambdaContext());
    expect(response).toMatchObject({ statusCode: 200, headers: { 'x-correlation-id': event.requestContext.requestId } });
    expect(json(response)).toEqual({ id: 'y1', query: { a: '1' }, agent: 'tests' });
  });

  it.each([
    ['a body that is not JSON', { body: '{"text":', headers: { 'content-type': 'application/json' } }, 400, 'ValidationError'],
    ['a body of another content type', { body: 'text=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UnsupportedMediaType'],
    ['a body without a content type', { body: '{"text":"hi"}', headers: {} }, 415, 'UnsupportedMediaType'],
    ['a body over 64 KiB', { body: { text: 'x'.repeat(70_000) } }, 413, 'PayloadTooLarge'],
    ['no body where one is required', {}, 400, 'ValidationError'],
  ])('refuses %s with the contract`s error', async (_, input, status, code) => {
    const response = await post(apiGatewayV1({ method: 'POST', path: '/yubls', ...input }), lambdaContext());
    expect(response.statusCode).toBe(status);
    expect(json(response).error.code).toBe(code);
    expect(response.headers!['x-correlation-id']).toBeTruthy();
  });

  it('says where and why a body is invalid', async () => {
    const response = await post(apiGatewayV1({ method: 'POST', path: '/yubls', body: { text: '' } }), lambdaContext());
    expect(response.statusCode).toBe(400);
    expect(json(response)).toEqual({ error: { code: 'ValidationError', message: 'The body is not valid', details: [{ path: 'body.text', message: expect.any(String) }] } });
  });

  it('accepts application/json with a charset, and JSON subtypes', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      const response = await post(apiGatewayV1({ method: 'POST', path: '/yubls', body: '{"text":"hi"}', headers: { 'Content-Type': type } }), lambdaContext());
      expect(response.statusCode).toBe(201);
    }
  });

  it('maps thrown domain errors to their status and body', async () => {
    const missing = await get(apiGatewayV1({ path: '/yubls/missing', pathParameters: { id: 'missing' } }), lambdaContext());
    expect(missing.statusCode).toBe(404);
    expect(json(missing)).toEqual({ error: { code: 'NotFound', message: 'No yubl y-missing' } });
    const taken = await post(apiGatewayV1({ method: 'POST', path: '/yubls', body: { text: 'taken' } }), lambdaContext());
    expect(taken.statusCode).toBe(409);
  });

  it('answers an unexpected error with a 500 that tells nothing of the internals, and logs it with the correlation id', async () => {
    const response = await post(apiGatewayV1({ method: 'POST', path: '/yubls', body: { text: 'boom' }, headers: { 'x-correlation-id': 'c-500' } }), lambdaContext());
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/database|hunter2|stack|\bat\s/);
    expect(json(response)).toEqual({ error: { code: 'InternalError', message: 'Something went wrong on our side; quote c-500 when you report it' } });
    expect(logs).toHaveLogged({ level: 'error', 'x-correlation-id': 'c-500', error: { message: /database/ } });
    expect(logs.text()).not.toContain('hunter2');
  });

  it('answers a warm-up ping at once, before anything logs', async () => {
    expect(await post(warmupEvent() as never, lambdaContext())).toBe(WARMED);
    expect(logs.text()).toBe('');
  });

  it('does not let an open event loop hold the invocation: callbackWaitsForEmptyEventLoop is false', async () => {
    const context = lambdaContext();
    await get(apiGatewayV1({ path: '/yubls/y1', pathParameters: { id: 'y1' } }), context);
    expect(context.callbackWaitsForEmptyEventLoop).toBe(false);
  });

  it('warns shortly before the timeout with the ids and a summary, never the raw event', async () => {
    // The handler runs until the warning is out: as long as a slow one would, and no longer.
    const slow = httpHandler(async () => {
      await eventually(() => expect(logs).toHaveLogged({ level: 'warn' }), { timeout: 2_000, interval: 10 });
      return ok({});
    }, { timeoutWarningMs: 150 });
    const event = apiGatewayV1({ method: 'POST', path: '/slow', body: '{"password":"hunter2"}', headers: { 'content-type': 'application/json', 'x-correlation-id': 'c-slow' } });
    await slow(event, lambdaContext({ timeoutMs: 250 }));
    expect(logs).toHaveLogged({ level: 'warn', message: 'the function is about to time out', 'x-correlation-id': 'c-slow', method: 'POST', path: '/slow' });
    expect(logs.text()).not.toContain('hunter2');
  });

  it('wraps a raw handler (an Express app under serverless-http) with the same correlation and error handling', async () => {
    const raw = rawHttpHandler(async (event) => {
      if (event.body === 'fail') throw new Error('express blew up');
      return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'hi' };
    });
    const fine = await raw(apiGatewayV1({ path: '/x', headers: { 'x-correlation-id': 'c-raw' } }), lambdaContext());
    expect(fine).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain', 'x-correlation-id': 'c-raw' }, body: 'hi' });
    const failed = await raw(apiGatewayV1({ path: '/x', body: 'fail' }), lambdaContext());
    expect(failed.statusCode).toBe(500);
  });
});
