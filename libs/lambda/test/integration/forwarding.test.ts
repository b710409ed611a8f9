// Forwarding (docs/design.md "Leaving Lambda"): with the config value FORWARDING_CONFIG_KEY names
// set to a URL, a wrapped function hands its event to that served instance instead of running its
// handler. One real HTTP server here plays the config service and the served instance, and records
// what reached it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { apiGatewayV1, eventually, kinesisBatch, lambdaContext, snsEvent } from '@yubl/test-harness';
import { httpHandler, kinesisHandler, ok, snsHandler } from '../../src';
import { resetForwardingTarget } from '../../src/forwarding/target';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
}

let server: Server;
let base: string;
let forwardTo: string | undefined; // what the config service answers for feed/forward-to
let configFails = false; // the config service answers 500
let configHeld: Promise<void> | undefined; // the config service's next answer waits for this
let served: (seen: Seen) => { status: number; headers?: Record<string, string | string[]>; body: string | Buffer; delayMs?: number };
const seen: Seen[] = [];
const configReads: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url!.startsWith('/config/')) {
        configReads.push(`${request.url} ${request.headers['x-api-key']}`);
        const value = forwardTo; // as it was when asked
        const answer = () => {
          if (configFails) return response.writeHead(500).end();
          if (value === undefined) return response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NotFound","message":"no"}}');
          return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ service: 'feed', key: 'forward-to', value, version: 1 }));
        };
        const held = configHeld;
        configHeld = undefined;
        return void (held ? held.then(answer) : answer());
      }
      const request_ = { method: request.method!, url: request.url!, headers: request.headers, rawHeaders: request.rawHeaders, body: Buffer.concat(chunks) };
      seen.push(request_);
      const answer = served(request_);
      setTimeout(() => response.writeHead(answer.status, answer.headers).end(answer.body), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const saved = { ...process.env };
beforeEach(() => {
  seen.length = 0;
  configReads.length = 0;
  configFails = false;
  configHeld = undefined;
  resetForwardingTarget();
  Object.assign(process.env, { FORWARDING_CONFIG_KEY: 'feed/forward-to', CONFIG_API_URL: base, CONFIG_API_KEY: 'read-key', FORWARDING_REFRESH_SECONDS: '0' });
});
afterEach(() => {
  process.env = { ...saved };
});

const handled: string[] = [];
const makeHttp = () => httpHandler(async (request) => (handled.push(request.path), ok({ ranHere: true })));

describe('forwarding unset', () => {
  it('runs the handler; the config service is read once, at start, not per invocation', async () => {
    forwardTo = undefined;
    const handler = makeHttp();
    for (let i = 0; i < 3; i += 1) {
      const answer = await handler(apiGatewayV1({ path: '/feed' }), lambdaContext());
      expect(JSON.parse(answer.body!)).toEqual({ ranHere: true });
    }
    expect(configReads).toEqual(['/config/feed/forward-to read-key']);
    expect(seen).toEqual([]);
  });

  it('runs the handler when the value is `off` (the config service takes no empty value)', async () => {
    forwardTo = 'off';
    const answer = await makeHttp()(apiGatewayV1({ path: '/feed' }), lambdaContext());
    expect(JSON.parse(answer.body!)).toEqual({ ranHere: true });
    expect(configReads).toHaveLength(1);
    expect(seen).toEqual([]);
  });

  it('is never asked about without FORWARDING_CONFIG_KEY', async () => {
    delete process.env.FORWARDING_CONFIG_KEY;
    forwardTo = base;
    const answer = await makeHttp()(apiGatewayV1({ path: '/feed' }), lambdaContext());
    expect(JSON.parse(answer.body!)).toEqual({ ranHere: true });
    expect(configReads).toEqual([]);
  });
});

/** Date.now moved on by `shift` ms on top of real time, so that deadlines (eventually's) still pass. */
function shiftedClock(): { shift: (ms: number) => void; restore: () => void } {
  const realNow = Date.now.bind(Date);
  let offset = 0;
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  return { shift: (ms) => void (offset += ms), restore: () => spy.mockRestore() };
}

/** The call's answer, or a failure if it waits on the held config service (it would wait until released). */
function notWaitingLong<T>(call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the call waited for the config service')), 5_000)));
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}

describe('switching', () => {
  it('asks nothing while idle: no timer reads the target between calls', async () => {
    process.env.FORWARDING_REFRESH_SECONDS = '0.05';
    forwardTo = 'off';
    const handler = makeHttp();
    await handler(apiGatewayV1({ path: '/a' }), lambdaContext());
    // Absence can only be watched for: six refresh intervals with no call.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(configReads).toHaveLength(1);
    await handler(apiGatewayV1({ path: '/b' }), lambdaContext());
    expect(configReads).toHaveLength(2);
  });

  it('re-reads the target when a call finds the last read past the refresh interval, never while idle, and acts on the switch', async () => {
    process.env.FORWARDING_REFRESH_SECONDS = '60';
    forwardTo = 'off';
    handled.length = 0;
    served = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"servedThere":true}' });
    let now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const handler = makeHttp();
      expect(JSON.parse((await handler(apiGatewayV1({ path: '/a' }), lambdaContext())).body!)).toEqual({ ranHere: true });
      forwardTo = base; // switched on
      now += 44_000;
      expect(JSON.parse((await handler(apiGatewayV1({ path: '/b' }), lambdaContext())).body!)).toEqual({ ranHere: true });
      expect(configReads).toHaveLength(1); // well within the interval: the last read stands, and idle time asked nothing
      now += 17_000;
      expect(JSON.parse((await handler(apiGatewayV1({ path: '/c' }), lambdaContext())).body!)).toEqual({ servedThere: true });
      expect(configReads).toHaveLength(2);
      expect(handled).toEqual(['/a', '/b']);
    } finally {
      clock.mockRestore();
    }
  });

  it('reads beside a call that finds the last read in the interval`s last quarter: that call runs on it, the next acts on the switch', async () => {
    process.env.FORWARDING_REFRESH_SECONDS = '60';
    forwardTo = 'off';
    handled.length = 0;
    served = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"servedThere":true}' });
    const clock = shiftedClock();
    let release = () => {};
    try {
      const handler = makeHttp();
      await handler(apiGatewayV1({ path: '/a' }), lambdaContext());
      forwardTo = base;
      configHeld = new Promise((resolve) => (release = resolve));
      clock.shift(46_000);
      // The config service has not answered, and the call is not waiting for it.
      expect(JSON.parse((await notWaitingLong(handler(apiGatewayV1({ path: '/b' }), lambdaContext()))).body!)).toEqual({ ranHere: true });
      await eventually(() => expect(configReads).toHaveLength(2));
      expect(JSON.parse((await notWaitingLong(handler(apiGatewayV1({ path: '/c' }), lambdaContext()))).body!)).toEqual({ ranHere: true });
      expect(configReads).toHaveLength(2); // one early read per value, however many calls find it aging
      release();
      await eventually(async () => expect(JSON.parse((await handler(apiGatewayV1({ path: '/d' }), lambdaContext())).body!)).toEqual({ servedThere: true }));
      expect(configReads).toHaveLength(2);
      expect(handled.slice(0, 3)).toEqual(['/a', '/b', '/c']);
    } finally {
      release();
      clock.restore();
    }
  });

  it('counts a read beside a call only if it answered: past the interval the next call waits for a read of its own', async () => {
    process.env.FORWARDING_REFRESH_SECONDS = '60';
    forwardTo = 'off';
    served = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"servedThere":true}' });
    const clock = shiftedClock();
    try {
      const handler = makeHttp();
      await handler(apiGatewayV1({ path: '/a' }), lambdaContext());
      configFails = true;
      clock.shift(50_000);
      await handler(apiGatewayV1({ path: '/b' }), lambdaContext());
      await eventually(() => expect(configReads).toHaveLength(2));
      configFails = false;
      forwardTo = base;
      clock.shift(11_000);
      expect(JSON.parse((await handler(apiGatewayV1({ path: '/c' }), lambdaContext())).body!)).toEqual({ servedThere: true });
      expect(configReads).toHaveLength(3);
    } finally {
      clock.restore();
    }
  });
});

describe('forwarding set', () => {
  beforeEach(() => {
    forwardTo = `${base}/`;
    handled.length = 0;
  });

  it('hands an API event over as the HTTP request it came from, and the served answer back as API Gateway`s', async () => {
    served = () => ({ status: 201, headers: { 'content-type': 'application/json', 'x-served': 'yes', 'set-cookie': ['a=1', 'b=2'] }, body: '{"servedThere":true}' });
    const event = apiGatewayV1({ method: 'POST', path: '/feed/yubls/y 1', headers: { 'x-correlation-id': 'corr-1', authorization: 'Bearer t', 'call-chain-length': '10' }, body: { text: 'hi' } });
    event.multiValueQueryStringParameters = { tag: ['a', 'b'], q: ['x y'] };
    event.queryStringParameters = { tag: 'b', q: 'x y' };
    const answer = await makeHttp()(event, lambdaContext());
    expect(handled).toEqual([]);
    expect(answer).toMatchObject({ statusCode: 201, body: '{"servedThere":true}', headers: { 'x-served': 'yes', 'x-correlation-id': 'corr-1' } });
    expect(answer.multiValueHeaders).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/feed/yubls/y 1?tag=a&tag=b&q=x+y'.replace(' 1', '%201') });
    // The served instance runs this same function: no hop is added to the call chain (at its limit here).
    expect(seen[0]!.headers).toMatchObject({ 'x-correlation-id': 'corr-1', authorization: 'Bearer t', 'content-type': 'application/json', 'call-chain-length': '10' });
    expect(JSON.parse(seen[0]!.body.toString())).toEqual({ text: 'hi' });
  });

  it('sends a base64 body as its bytes, and answers a binary body base64-encoded', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0xff, 0x00]);
    served = () => ({ status: 200, headers: { 'content-type': 'image/png' }, body: bytes });
    const event = apiGatewayV1({ method: 'PUT', path: '/upload', headers: { 'content-type': 'image/png' } });
    Object.assign(event, { body: bytes.toString('base64'), isBase64Encoded: true });
    const answer = await makeHttp()(event, lambdaContext());
    expect(seen[0]!.body.equals(bytes)).toBe(true);
    expect(answer).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
  });

  it('hands a Kinesis batch to /lambda-proxy-non-api-events for this function and answers its batchItemFailures', async () => {
    served = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"batchItemFailures":[{"itemIdentifier":"42"}]}' });
    const ranHere: unknown[] = [];
    const handler = kinesisHandler(async (data) => void ranHere.push(data));
    const event = kinesisBatch([{ data: { a: 1 }, context: { 'x-correlation-id': 'corr-k' } }]);
    const answer = await handler(event, lambdaContext({ functionName: 'feed-dev-distribute-yubl' }));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '42' }] });
    expect(ranHere).toEqual([]);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/lambda-proxy-non-api-events?function=feed-dev-distribute-yubl' });
    expect(JSON.parse(seen[0]!.body.toString())).toEqual({ event });
  });

  it('fails an SNS invocation the served instance failed, so that Lambda retries it', async () => {
    served = () => ({ status: 500, headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"error":{"code":"FunctionError","message":"boom"}}' });
    const handler = snsHandler(async () => undefined);
    await expect(handler(snsEvent({ message: { a: 1 } }), lambdaContext())).rejects.toThrow(/answered 500.*boom/);
  });

  it('answers 502 in the contract`s shape when the target is down, and fails a non-API invocation', async () => {
    forwardTo = 'http://127.0.0.1:1';
    const answer = await makeHttp()(apiGatewayV1({ path: '/feed', headers: { 'x-correlation-id': 'corr-down' } }), lambdaContext());
    expect(answer.statusCode).toBe(502);
    expect(JSON.parse(answer.body!)).toMatchObject({ error: { code: 'ForwardingFailed' } });
    expect(answer.headers['x-correlation-id']).toBe('corr-down');
    resetForwardingTarget();
    await expect(kinesisHandler(async () => undefined)(kinesisBatch([{ data: {} }]), lambdaContext())).rejects.toThrow(/ForwardingError|did not answer/);
  });

  it('gives up inside the function`s remaining time', async () => {
    served = () => ({ status: 200, body: '{}', delayMs: 3_000 });
    const started = Date.now();
    const answer = await makeHttp()(apiGatewayV1({ path: '/feed' }), lambdaContext({ timeoutMs: 1_000 }));
    expect(answer.statusCode).toBe(502);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
