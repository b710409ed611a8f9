// The gateway's own answers when the service behind a path fails, against a real service process:
// paused (SIGSTOP) past the integration timeout → 504, gone → 502, its own bare 502/504 (as
// serverless-offline answers a crashed or timed-out function) → the same; each in the contract's
// error shape with an x-correlation-id.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasErrorShape } from '@yubl/test-harness';
import { createGateway } from '../../src/gateway';

// A service process: answers as a function would (with an id), or a bare 502/504 as serverless-offline does.
const SERVICE = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  if (request.url === '/bare-502') return response.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
  if (request.url === '/bare-504') return response.writeHead(504).end();
  response.writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': request.headers['x-correlation-id'] || 'fn' }).end('{"ok":true}');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

const TIMEOUT_MS = 800;
let service: ChildProcess;
let gateway: Server;
let baseUrl: string;

beforeAll(async () => {
  service = spawn(process.execPath, ['-e', SERVICE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => service.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  const created = createGateway({ health: () => ({ status: 'ready' }), log: () => {}, timeoutMs: TIMEOUT_MS });
  created.addRoutes('svc', port, [{ method: 'GET', path: '/{proxy+}' }]);
  gateway = created.server;
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (service.exitCode === null) service.kill('SIGKILL');
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
});

async function get(path: string, headers: Record<string, string> = {}) {
  const started = Date.now();
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return { status: response.status, id: response.headers.get('x-correlation-id'), body: (await response.json()) as unknown, tookMs: Date.now() - started };
}

describe('the gateway in front of a service process', () => {
  it('passes a function`s answer through', async () => {
    expect(await get('/a', { 'x-correlation-id': 'c1' })).toMatchObject({ status: 200, id: 'c1', body: { ok: true } });
  });

  it('answers 504 GatewayTimeout, shaped and with the request`s id, when the process is paused past the integration timeout', async () => {
    process.kill(service.pid!, 'SIGSTOP');
    let answer;
    try {
      answer = await get('/slow', { 'x-correlation-id': 'c-paused' });
    } finally {
      process.kill(service.pid!, 'SIGCONT');
    }
    expect(answer).toMatchObject({ status: 504, id: 'c-paused', body: { error: { code: 'GatewayTimeout' } } });
    expect(hasErrorShape(answer.body)).toBe(true);
    expect(answer.tookMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(answer.tookMs).toBeLessThan(TIMEOUT_MS + 1_500);
    // And the process, let go on, answers again.
    expect(await get('/a')).toMatchObject({ status: 200 });
  });

  it('gives a bare 502 or 504 of the service the contract`s shape and an id (a new one when the client sent none)', async () => {
    expect(await get('/bare-502', { 'x-correlation-id': 'c-502' })).toMatchObject({ status: 502, id: 'c-502', body: { error: { code: 'BadGateway' } } });
    const bare504 = await get('/bare-504');
    expect(bare504).toMatchObject({ status: 504, body: { error: { code: 'GatewayTimeout' } } });
    expect(bare504.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 502 BadGateway, shaped and with the request`s id, when the process is gone', async () => {
    service.kill('SIGKILL');
    await new Promise((resolve) => service.once('exit', resolve));
    const answer = await get('/a', { 'x-correlation-id': 'c-gone' });
    expect(answer).toMatchObject({ status: 502, id: 'c-gone', body: { error: { code: 'BadGateway' } } });
    expect(hasErrorShape(answer.body)).toBe(true);
  });
});
