// The push's data plane client against a local HTTP endpoint that answers as the data plane does:
// what goes on the wire for each publish, and what the SDK does once rather than per publish.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { buildContext, runWithContext } from '@yubl/correlation';
import { iotPublisher, pushClient } from '../../src/iot-publisher';

const yubl = { id: 'y1', authorId: 'a', text: 'hello', postedAt: '2026-12-01T10:00:00.000Z' };
const item = { type: 'feed-item' as const, yubl };
const context = buildContext({ 'x-correlation-id': 'c1', 'call-chain-length': '1' }, '', { awsRequestId: 'r1' }, { debugSampleRate: 0, maxCallChainLength: 10 });

describe('the push`s data plane client', () => {
  let server: Server;
  const requests: { url: string; body: string; userProperties?: string }[] = [];
  const saved = { ...process.env };
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({ url: request.url!, body: Buffer.concat(chunks).toString('utf8'), userProperties: request.headers['x-amz-mqtt5-user-properties'] as string | undefined });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_IOT_DATA_PLANE: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'k',
      AWS_SECRET_ACCESS_KEY: 's',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server.close(resolve));
  });

  it('resolves PublishCommand`s middleware once for a whole fan-out, and every publish still carries the correlation ids', async () => {
    const resolved = jest.spyOn(PublishCommand.prototype, 'resolveMiddleware');
    const publish = iotPublisher(pushClient(), 'test');
    await runWithContext(context, async () => {
      for (const userId of ['u1', 'u2', 'u3']) await publish(userId, item);
    });
    expect(resolved).toHaveBeenCalledTimes(1);
    const sent = requests.map(({ url }) => new URL(url, 'http://iot'));
    expect(sent.map(({ pathname }) => decodeURIComponent(pathname))).toEqual(['u1', 'u2', 'u3'].map((userId) => `/topics/yubl/test/users/${userId}/feed`));
    expect(sent.map(({ searchParams }) => searchParams.get('qos'))).toEqual(['1', '1', '1']);
    for (const { body, userProperties } of requests) {
      expect(JSON.parse(body)).toEqual({ ...item, __context__: expect.objectContaining({ 'x-correlation-id': 'c1' }) });
      expect(JSON.parse(Buffer.from(userProperties!, 'base64').toString('utf8'))).toContainEqual({ 'x-correlation-id': 'c1' });
    }
  });
});
