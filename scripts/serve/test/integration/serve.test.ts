// scripts/serve as a real process over the fixture project (test/fixture): real HTTP requests in,
// the events its handlers were given out (the echo function answers its own event and context).
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { eventually, testPortBase } from '@yubl/test-harness';

const root = join(__dirname, '../../../..');
const port = testPortBase('serve');
const base = `http://127.0.0.1:${port}`;
const API_KEY = 'serve-fixture-key-for-tests';
let served: ChildProcess;
let exited: Promise<number | null>;
let output = '';

beforeAll(async () => {
  served = spawn(process.execPath, [join(root, 'scripts/serve/bin/serve.js'), '--dir', join(__dirname, '../fixture'), '--stage', 'test', '--port', String(port)], {
    env: { ...process.env, API_KEY_SERVE_FIXTURE: API_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  served.stdout!.on('data', (chunk) => (output += chunk));
  served.stderr!.on('data', (chunk) => (output += chunk));
  exited = new Promise((resolve) => served.once('exit', (code) => resolve(code)));
  // `serverless print` and the bundling take a few seconds, many more on a busy machine.
  await eventually(async () => expect((await fetch(`${base}/health`)).status).toBe(200), { timeout: 120_000, interval: 250 });
}, 150_000);

afterAll(() => {
  if (served.exitCode === null) served.kill('SIGKILL');
});

const echo = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
};

describe('a served service: HTTP requests as API Gateway proxy events', () => {
  it('passes path, greedy path parameters, multi-value query and headers, and a fresh context with the function`s remaining time', async () => {
    const { status, headers: answered, body } = await echo('/echo/a/b%20c?tag=x&tag=y&q=hello%20world&empty=');
    expect(status).toBe(200);
    expect(body.event).toMatchObject({
      resource: '/echo/{proxy+}',
      path: '/echo/a/b%20c',
      httpMethod: 'GET',
      pathParameters: { proxy: 'a/b c' },
      queryStringParameters: { tag: 'y', q: 'hello world', empty: '' },
      multiValueQueryStringParameters: { tag: ['x', 'y'], q: ['hello world'], empty: [''] },
      body: null,
      isBase64Encoded: false,
      requestContext: { resourcePath: '/echo/{proxy+}', httpMethod: 'GET', stage: 'test', authorizer: null },
    });
    // A header sent twice, as two lines (fetch would join them): node:http sends an array so.
    const raw = await new Promise<any>((resolve, reject) => {
      get(`${base}/echo/raw`, { headers: { 'X-Multi': ['one', 'two'] } }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(JSON.parse(text)));
      }).on('error', reject);
    });
    expect(raw.event.multiValueHeaders['X-Multi']).toEqual(['one', 'two']);
    expect(raw.event.headers['X-Multi']).toBe('two');
    expect(body.functionName).toBe('serve-fixture-test-echo');
    expect(body.remainingMs).toBeGreaterThan(2_000);
    expect(body.remainingMs).toBeLessThanOrEqual(3_000);
    expect(body.greeting).toBe('hello');
    expect(answered.getSetCookie()).toEqual(['a=1', 'b=2']);
    const second = await echo('/echo/a');
    expect(second.body.event.requestContext.requestId).not.toBe(body.event.requestContext.requestId);
  });

  it('gives a binary media type`s body, and bytes that are not UTF-8, base64-encoded; text as text', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
    const binary = await echo('/echo/upload', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    expect(binary.body.event).toMatchObject({ httpMethod: 'POST', isBase64Encoded: true, body: png.toString('base64') });
    const notUtf8 = await echo('/echo/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0xc3, 0x28]) });
    expect(notUtf8.body.event).toMatchObject({ isBase64Encoded: true, body: Buffer.from([0xc3, 0x28]).toString('base64') });
    // A binary media type is base64 even when its bytes would read as text.
    const asciiPng = await echo('/echo/upload', { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'plain' });
    expect(asciiPng.body.event).toMatchObject({ isBase64Encoded: true, body: Buffer.from('plain').toString('base64') });
    const text = await echo('/echo/upload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"zoë"}' });
    expect(text.body.event).toMatchObject({ isBase64Encoded: false, body: '{"name":"zoë"}' });
  });

  it('runs the route`s authorizer and passes its principal and context on; refuses without or against its policy', async () => {
    const allowed = await echo('/guarded/42', { headers: { 'x-token': 'let-me-in' } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.event.pathParameters).toEqual({ id: '42' });
    expect(allowed.body.event.requestContext.authorizer).toMatchObject({ principalId: 'user-1', tier: 'gold', seats: 3, admin: false });
    const missing = await echo('/guarded/42');
    expect(missing).toMatchObject({ status: 401, body: { error: { code: 'Unauthorized' } } });
    expect(missing.headers.get('x-correlation-id')).toBeTruthy();
    expect(await echo('/guarded/42', { headers: { 'x-token': 'forged' } })).toMatchObject({ status: 401, body: { error: { code: 'Unauthorized' } } });
    expect(await echo('/guarded/42', { headers: { 'x-token': 'deny' } })).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
  });

  it('checks a private route`s API key against API_KEY_* and refuses without it', async () => {
    expect(await echo('/private')).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
    expect(await echo('/private', { headers: { 'x-api-key': 'not-the-key' } })).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
    const allowed = await echo('/private', { headers: { 'x-api-key': API_KEY } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.event.requestContext.identity.apiKey).toBe(API_KEY);
  });

  it('answers a function past its timeout with 504, and an unknown route with 404, in the contract`s shape', async () => {
    expect(await echo('/slow?ms=2500')).toMatchObject({ status: 504, body: { error: { code: 'GatewayTimeout' } } });
    expect(await echo('/nowhere')).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
  });
});

describe('a served service: POST /lambda-proxy-non-api-events', () => {
  const post = (body: string, query = '') =>
    fetch(`${base}/lambda-proxy-non-api-events${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const record = (sequenceNumber: string, data: object) => ({
    eventSource: 'aws:kinesis',
    eventSourceARN: 'arn:aws:kinesis:eu-west-1:000000000000:stream/serve-fixture',
    kinesis: { partitionKey: 'k', sequenceNumber, data: Buffer.from(JSON.stringify(data)).toString('base64') },
  });

  it('routes a Kinesis batch by its eventSourceARN and answers the handler`s batchItemFailures', async () => {
    const response = await post(JSON.stringify({ event: { Records: [record('1', {}), record('2', { fail: true }), record('3', {})] } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });

  it('routes an SNS record by its TopicArn; a failed message is a marked function error', async () => {
    const sns = (message: object) => ({ Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: 'arn:aws:sns:eu-west-1:000000000000:serve-fixture', Message: JSON.stringify(message) } }] });
    const ok = await post(JSON.stringify({ event: sns({}) }));
    expect(ok.status).toBe(200);
    const failed = await post(JSON.stringify({ event: sns({ fail: true }) }));
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await failed.json()).toMatchObject({ error: { code: 'FunctionError', message: 'told to fail', details: { function: 'notify' } } });
  });

  it('runs a direct invocation on the function named with ?function= (its key or its name)', async () => {
    const byKey = await post(JSON.stringify({ event: { Records: [record('9', { fail: true })] } }), '?function=consume');
    expect(await byKey.json()).toEqual({ batchItemFailures: [{ itemIdentifier: '9' }] });
    const byName = await post(JSON.stringify({ event: { Records: [] } }), '?function=serve-fixture-test-consume');
    expect(await byName.json()).toEqual({ batchItemFailures: [] });
  });

  it.each([
    ['not JSON', 'not json', /not JSON/],
    ['no event', '{"records": []}', /has no "event"/],
    ['an event that is no object', '{"event": [1, 2]}', /must be an object/],
    ['an event from a stream no function reads', JSON.stringify({ event: { Records: [{ ...record('1', {}), eventSourceARN: 'arn:aws:kinesis:eu-west-1:000000000000:stream/other' }] } }), /stream\/other/],
    ['an event of no known source, unnamed', '{"event": {"hello": "world"}}', /\?function=/],
    ['a function that does not exist', '{"event": {}}', /no function nope/, '?function=nope'],
  ])('refuses %s with 400 in the contract`s shape', async (_what, body, message, query = '') => {
    const response = await post(body, query);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
    expect(await response.json()).toMatchObject({ error: { code: 'ValidationError', message: expect.stringMatching(message) } });
  });
});

describe('a served service stopping', () => {
  it('answers the request in flight when SIGTERM comes, takes no new one, then exits 0', async () => {
    const inFlight = fetch(`${base}/slow?ms=1500`, { headers: { connection: 'close' } });
    await eventually(async () => expect(((await (await fetch(`${base}/health`, { headers: { connection: 'close' } })).json()) as any).inFlight).toBe(1), {
      timeout: 5_000,
      interval: 50,
    });
    served.kill('SIGTERM');
    await eventually(async () => expect(output).toContain('SIGTERM: draining 1 request(s) in flight'), { timeout: 5_000, interval: 50 });
    await expect(fetch(`${base}/health`, { headers: { connection: 'close' } })).rejects.toThrow();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ slept: 1500 });
    expect(await exited).toBe(0);
  });
});
