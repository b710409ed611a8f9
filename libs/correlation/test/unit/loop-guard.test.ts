// The loop guard counts the system's own hops: an HTTP request's call-chain-length counts only with
// the proof our functions send (docs/design.md "The loop guard"); an app client's never does.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { lambdaContext } from '@yubl/test-harness';
import { buildContext, CALL_CHAIN_PROOF, correlatedFetch, fromApiGateway, isProvenChain, proveChain, runWithContext, type CorrelationSettings } from '../../src';

const key = 'a-stage-key-for-these-tests';
const settings: CorrelationSettings = { debugSampleRate: 0, maxCallChainLength: 10, callChainKey: key };
const context = lambdaContext({ functionName: 'users-dev-api' });
const request = (headers: Record<string, string>) => ({ headers, requestContext: { requestId: 'apigw-1' } }) as unknown as APIGatewayProxyEvent;

describe('the call-chain-length of an HTTP request', () => {
  it('starts a new chain when an app client sends it, at any value', () => {
    for (const length of ['2', '9', '10', '11', '1000'])
      expect(fromApiGateway(request({ 'x-correlation-id': 'c1', 'call-chain-length': length }), context, settings).callChainLength).toBe(1);
  });

  it('counts when it comes with its proof, whatever the headers` case', () => {
    const proof = proveChain(key, 9, 'c1');
    expect(fromApiGateway(request({ 'x-correlation-id': 'c1', 'call-chain-length': '9', [CALL_CHAIN_PROOF]: proof }), context, settings).callChainLength).toBe(9);
    expect(fromApiGateway(request({ 'X-Correlation-Id': 'c1', 'Call-Chain-Length': '9', 'Call-Chain-Proof': proof }), context, settings).callChainLength).toBe(9);
  });

  it('starts a new chain when the proof is for another length, another call chain or another key, or the stage has no key', () => {
    const headers = (proof: string, length = '9', id = 'c1') => request({ 'x-correlation-id': id, 'call-chain-length': length, [CALL_CHAIN_PROOF]: proof });
    expect(fromApiGateway(headers(proveChain(key, 8, 'c1')), context, settings).callChainLength).toBe(1);
    expect(fromApiGateway(headers(proveChain(key, 9, 'c1'), '9', 'c2'), context, settings).callChainLength).toBe(1);
    expect(fromApiGateway(headers(proveChain('another key', 9, 'c1')), context, settings).callChainLength).toBe(1);
    expect(fromApiGateway(headers(proveChain(key, 9, 'c1').slice(0, 20)), context, settings).callChainLength).toBe(1);
    expect(fromApiGateway(headers('not base64url at all!'), context, settings).callChainLength).toBe(1);
    expect(fromApiGateway(headers(proveChain(key, 9, 'c1')), context, { ...settings, callChainKey: undefined }).callChainLength).toBe(1);
  });

  it('is proven only for the values it was made for', () => {
    expect(isProvenChain(key, 3, 'c', proveChain(key, 3, 'c'))).toBe(true);
    expect(isProvenChain(key, 3, 'c', undefined)).toBe(false);
    expect(isProvenChain(undefined, 3, 'c', proveChain(key, 3, 'c'))).toBe(false);
    expect(isProvenChain(key, 3, 'c\u00e9', proveChain(key, 3, 'c\u00e9'))).toBe(true);
    expect(isProvenChain(key, 3, 'ce', proveChain(key, 3, 'c\u00e9'))).toBe(false);
  });
});

describe('a hop over HTTP between our functions', () => {
  let server: Server;
  let url: string;
  let received: IncomingHttpHeaders | undefined;

  beforeAll(async () => {
    server = createServer((incoming, response) => {
      received = incoming.headers;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const calledAt = async (length: string) => {
    process.env.CALL_CHAIN_KEY = key;
    try {
      const caller = buildContext({ 'x-correlation-id': 'c7', 'call-chain-length': length }, '', context, settings);
      await runWithContext(caller, () => correlatedFetch(`${url}/users/u1/followers`));
    } finally {
      delete process.env.CALL_CHAIN_KEY;
    }
    return fromApiGateway(request(received as Record<string, string>), context, settings);
  };

  it('carries its proof, and the function called counts the hop', async () => {
    expect((await calledAt('4')).callChainLength).toBe(5);
    expect((await calledAt('9')).callChainLength).toBe(10);
  });

  it('carries no proof where the stage has no key', async () => {
    const caller = buildContext({ 'x-correlation-id': 'c8', 'call-chain-length': '4' }, '', context, settings);
    await runWithContext(caller, () => correlatedFetch(`${url}/users/u1`));
    expect(received![CALL_CHAIN_PROOF]).toBeUndefined();
    expect(fromApiGateway(request(received as Record<string, string>), context, settings).callChainLength).toBe(1);
  });
});
