// callbackWaitsForEmptyEventLoop, in a real process: a handler that leaves a socket open is held by
// the runtime until its timeout, unless the wrapper told the runtime not to wait.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invokeInLambdaRuntime } from '@yubl/test-harness';

const TIMEOUT_MS = 2_000;
let server: Server;
let port: number;
let outdir: string;
let bundlePath: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  outdir = mkdtempSync(join(tmpdir(), 'open-socket-'));
  bundlePath = join(outdir, 'open-socket.js');
  await build({ entryPoints: [join(__dirname, '../fixtures/open-socket.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundlePath, logLevel: 'silent' });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(outdir, { recursive: true, force: true });
});

describe('a handler that leaves a socket open', () => {
  it('runs to its timeout when nothing tells the runtime not to wait for the event loop', async () => {
    const report = await invokeInLambdaRuntime(bundlePath, 'bare', { port }, TIMEOUT_MS);
    expect(report.outcome).toBe('timeout');
    expect(report.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('returns promptly when wrapped', async () => {
    const report = await invokeInLambdaRuntime(bundlePath, 'wrapped', { port }, TIMEOUT_MS);
    expect(report).toMatchObject({ outcome: 'result', value: 'done' });
    expect(report.ms).toBeLessThan(TIMEOUT_MS / 2);
  });
});
