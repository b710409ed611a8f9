// Timeouts that fire: an SDK client made with sdkClientOptions gives up on a peer that never
// answers, within its budget; and the budget of an API function's slowest path fits its timeout.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { API_FUNCTION_TIMEOUT_MS, HTTP_CALL_TIMEOUT_MS, PUBLISH_AFTER_COMMIT_MS, sdkClientOptions, worstSdkCallMs } from '../../src';

describe('an AWS SDK client made with sdkClientOptions', () => {
  let server: Server;
  let endpoint: string;
  const sockets: Socket[] = [];
  let requests = 0;
  beforeAll(async () => {
    // Takes the connection, reads the request, never answers: a paused emulator, as the client sees it.
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => (requests += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ends a call that gets no answer with a TimeoutError, every attempt cut at its request timeout', async () => {
    const client = new DynamoDBClient({ ...sdkClientOptions({ requestTimeoutMs: 300, maxAttempts: 2 }), endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const started = Date.now();
    await expect(client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: '1' } } }))).rejects.toMatchObject({ name: 'TimeoutError' });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(2 * 300 - 50);
    expect(took).toBeLessThan(worstSdkCallMs(2, 300) + 1_000);
    expect(requests).toBe(2);
  });

  it('has the request timeout throw, not only warn (@smithy/node-http-handler needs throwOnRequestTimeout)', () => {
    const { requestHandler, maxAttempts } = sdkClientOptions();
    expect(maxAttempts).toBe(2);
    expect((requestHandler as unknown as { configProvider: Promise<unknown> }).configProvider).toBeDefined();
    return expect((requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider).resolves.toMatchObject({ throwOnRequestTimeout: true, connectionTimeout: 500, requestTimeout: 1_200 });
  });
});

describe('the budget of an API function', () => {
  it('fits its slowest path in its timeout, with room for the timeout warning: a peer over HTTP, a transaction, a publish', () => {
    // POST /users/{id}/following: GET /users/{id} (HTTP), the follow's TransactWriteItems, the publish after the commit.
    const slowest = HTTP_CALL_TIMEOUT_MS + worstSdkCallMs() + PUBLISH_AFTER_COMMIT_MS;
    expect(slowest).toBeLessThan(API_FUNCTION_TIMEOUT_MS - 500);
  });
});
