// Which service the gateway sends a request to, through the real gateway and real HTTP: the most
// specific declaration for the method and path wins (literal segments before {params} before
// {proxy+}), among equals the first declared, whichever service declared it and in which call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway } from '../../src/gateway';

const servers: Server[] = [];
let baseUrl: string;

/** A service that answers every request with its name, as a function would (with an id). */
async function service(name: string) {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': 'fn' }).end(JSON.stringify({ service: name, url: request.url }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const gateway = createGateway({ health: () => ({ status: 'ready' }), log: () => {} });
  gateway.addRoutes('first', await service('first'), [
    { method: 'GET', path: '/users/{proxy+}' },
    { method: 'ANY', path: '/users/{id}' },
  ]);
  gateway.addRoutes('second', await service('second'), [
    { method: 'GET', path: '/users/{id}' },
    { method: 'GET', path: '/users/me' },
  ]);
  servers.push(gateway.server);
  await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const send = async (method: string, path: string) => {
  const response = await fetch(`${baseUrl}${path}`, { method });
  return { status: response.status, body: (await response.json()) as { service?: string } };
};

describe('the gateway`s choice of route', () => {
  it('sends a path to its most specific declaration, across services and declaration calls', async () => {
    expect((await send('GET', '/users/me')).body.service).toBe('second'); // literal over {id}, declared last
    expect((await send('GET', '/users/42/following')).body.service).toBe('first'); // only {proxy+} spans segments
  });

  it('takes the first declared among equally specific routes, and ANY for any method', async () => {
    expect((await send('GET', '/users/42')).body.service).toBe('first'); // ANY /users/{id} came before GET /users/{id}
    expect((await send('DELETE', '/users/42')).body.service).toBe('first');
  });

  it('answers API Gateway`s refusal, without reaching a service, when no declaration has the method', async () => {
    const answer = await send('POST', '/users/42/following');
    expect(answer.status).toBe(403);
    expect(answer.body.service).toBeUndefined();
  });
});
