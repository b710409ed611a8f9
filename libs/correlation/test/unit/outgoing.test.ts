import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildContext, CallChainTooLongError, correlatedFetch, outgoingContext, runWithContext, type CorrelationContext } from '../../src';

const contextOf = (carried: Record<string, string>): CorrelationContext =>
  buildContext(carried, 'fallback', { awsRequestId: 'req-1' }, { debugSampleRate: 0, maxCallChainLength: 10 });

describe('what travels to the next hop', () => {
  it('is every x-correlation-* id, the debug decision and the chain length plus one; not the user agent', () => {
    const context = contextOf({ 'x-correlation-id': 'c1', 'x-correlation-user-id': 'u1', 'user-agent': 'app', 'debug-log-enabled': 'true', 'call-chain-length': '2' });
    expect(outgoingContext(context)).toEqual({ 'x-correlation-id': 'c1', 'x-correlation-user-id': 'u1', 'debug-log-enabled': 'true', 'call-chain-length': '3' });
  });

  it('is nothing outside an invocation', () => {
    expect(outgoingContext()).toEqual({});
  });

  it('is refused when the chain would grow past MAX_CALL_CHAIN_LENGTH', () => {
    expect(() => outgoingContext(contextOf({ 'call-chain-length': '10' }))).toThrow(CallChainTooLongError);
    process.env.MAX_CALL_CHAIN_LENGTH = '3';
    try {
      expect(() => outgoingContext(contextOf({ 'call-chain-length': '3' }))).toThrow(/reach 4 hops, over the limit of 3/);
      expect(outgoingContext(contextOf({ 'call-chain-length': '2' }))['call-chain-length']).toBe('3');
    } finally {
      delete process.env.MAX_CALL_CHAIN_LENGTH;
    }
  });
});

describe('correlatedFetch', () => {
  let server: Server;
  let url: string;
  const received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(request.headers);
      if (request.url === '/slow') return; // never answers
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the current ids as headers, with the caller`s own headers winning', async () => {
    const context = contextOf({ 'x-correlation-id': 'c2', 'call-chain-length': '1' });
    await runWithContext(context, () => correlatedFetch(`${url}/ok`, { headers: { 'x-correlation-extra': 'mine', accept: 'application/json' } }));
    expect(received.at(-1)).toMatchObject({ 'x-correlation-id': 'c2', 'x-correlation-extra': 'mine', 'call-chain-length': '2', 'debug-log-enabled': 'false', accept: 'application/json' });
  });

  it('gives up after its timeout', async () => {
    const started = Date.now();
    await expect(correlatedFetch(`${url}/slow`, { timeoutMs: 100 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses before any network call when the chain is too long', async () => {
    const before = received.length;
    await expect(runWithContext(contextOf({ 'call-chain-length': '10' }), () => correlatedFetch(`${url}/ok`))).rejects.toThrow(CallChainTooLongError);
    expect(received.length).toBe(before);
  });
});
