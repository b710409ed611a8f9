// A correlation id keeps its UTF-8 over HTTP: percent-encoded on the wire, its characters inside.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { lambdaContext } from '@yubl/test-harness';
import { buildContext, correlatedFetch, fromApiGateway, fromHeaderValue, outgoingContext, runWithContext, toHeaderValue, type CorrelationSettings } from '../../src';

const settings: CorrelationSettings = { debugSampleRate: 0, maxCallChainLength: 10 };
const context = lambdaContext();
const id = 'ïd-日本語-🙂-ok';

describe('a correlation id in a header', () => {
  it('goes out as printable ASCII: the rest, and %, percent-encoded UTF-8; an ASCII id unchanged', () => {
    expect(toHeaderValue(id)).toBe(encodeURIComponent('ïd-日本語-🙂-') + 'ok');
    expect(toHeaderValue('abc-123_x.y:z/w q')).toBe('abc-123_x.y:z/w q');
    expect(toHeaderValue('100%')).toBe('100%25');
    expect(toHeaderValue('a\nb\u0000')).toBe('a%0Ab%00');
    expect(toHeaderValue('lone \ud800')).toBe('lone %EF%BF%BD');
  });

  it('comes back as the characters it was made of, whatever they are', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => expect(fromHeaderValue(toHeaderValue(text))).toBe(text)));
  });

  it('is read from percent-encoded UTF-8, or from raw UTF-8 bytes a client sent unencoded; a malformed escape is kept as sent', () => {
    expect(fromHeaderValue(encodeURIComponent(id))).toBe(id);
    expect(fromHeaderValue(Buffer.from(id, 'utf8').toString('latin1'))).toBe(id); // what Node makes of raw UTF-8 bytes
    expect(fromHeaderValue('caf\u00e9')).toBe('caf\u00e9'); // latin1 that is no UTF-8 stays latin1
    expect(fromHeaderValue('50%-off')).toBe('50%-off');
    expect(fromHeaderValue('%E0%A4%A')).toBe('%E0%A4%A');
    expect(fromHeaderValue('plain')).toBe('plain');
  });

  it('is decoded by the API Gateway capture, and rides decoded in what goes to the next hop as JSON', () => {
    const event = { headers: { 'X-Correlation-Id': toHeaderValue(id), 'x-correlation-user': toHeaderValue('ü') }, requestContext: { requestId: 'r' } } as unknown as APIGatewayProxyEvent;
    const captured = fromApiGateway(event, context, settings);
    expect(captured.ids).toEqual({ 'x-correlation-id': id, 'x-correlation-user': 'ü' });
    expect(outgoingContext(captured)['x-correlation-id']).toBe(id);
  });

  it('is cut to 256 characters without splitting a surrogate pair', () => {
    const long = `${'a'.repeat(255)}🙂tail`;
    const captured = fromApiGateway({ headers: { 'x-correlation-id': toHeaderValue(long) } } as unknown as APIGatewayProxyEvent, context, settings);
    expect(captured.ids['x-correlation-id']).toBe('a'.repeat(255));
  });
});

describe('an HTTP hop between our functions', () => {
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

  it('delivers the id unchanged to the function called, through a real socket', async () => {
    const caller = buildContext({ 'x-correlation-id': id, 'x-correlation-user-id': 'ñ' }, '', context, settings);
    await runWithContext(caller, () => correlatedFetch(`${url}/users/u1`));
    expect(received!['x-correlation-id']).toBe(toHeaderValue(id));
    const called = fromApiGateway({ headers: received } as unknown as APIGatewayProxyEvent, context, settings);
    expect(called.ids).toMatchObject({ 'x-correlation-id': id, 'x-correlation-user-id': 'ñ' });
  });
});
