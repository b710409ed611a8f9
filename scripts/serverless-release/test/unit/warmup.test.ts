import fs from 'node:fs';
import path from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { WARMED } from '@yubl/lambda';

// Every API function's real handler, as its serverless.yml names it, given the warm-up plugin's
// payload (the one the packaged warmer sends: templates.test.ts): it answers at once, and nothing
// logs, counts, calls AWS or the network — the domain code behind it never ran.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- js-yaml ships no types
const yaml: { load: (text: string) => unknown } = require('js-yaml');
const root = path.resolve(__dirname, '../../../..');
const apiHandlers = fs
  .readdirSync(path.join(root, 'services'))
  .filter((name) => fs.existsSync(path.join(root, 'services', name, 'serverless.yml')))
  .flatMap((service) => {
    const config = yaml.load(fs.readFileSync(path.join(root, 'services', service, 'serverless.yml'), 'utf8')) as { functions: Record<string, { handler: string; events?: object[] }> };
    return Object.entries(config.functions)
      .filter(([, fn]) => (fn.events ?? []).some((event) => 'http' in event))
      .map(([key, fn]) => ({ name: `${service}/${key}`, file: path.join(root, 'services', service, path.dirname(fn.handler), path.basename(fn.handler).split('.')[0]!), exported: fn.handler.split('.').pop()! }));
  });

const clients = [mockClient(DynamoDBClient), mockClient(DynamoDBDocumentClient), mockClient(KinesisClient), mockClient(KMSClient), mockClient(SNSClient)];
const payload = { source: 'serverless-plugin-warmup' };

describe('a warm-up ping', () => {
  it('finds every API function', () => {
    expect(apiHandlers.map((h) => h.name).sort()).toEqual(
      ['config/get', 'config/list', 'config/put', 'feed/get-feed', 'feed/get-feed-yubl', 'relationships/follow', 'relationships/followers', 'relationships/following', 'relationships/unfollow', 'search/search', 'users/api', 'yubls/get', 'yubls/post'].sort(),
    );
  });

  it.each(apiHandlers)('$name answers it before anything logs, counts or calls out', async ({ file, exported }) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler named in serverless.yml
    const handler = require(file)[exported] as (event: unknown, context: Context) => Promise<unknown>;
    const written: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => jest.spyOn(console, level).mockImplementation((...args) => void written.push(args.join(' '))));
    const fetched = jest.spyOn(globalThis, 'fetch');
    for (const client of clients) client.reset();
    try {
      const context = { functionName: 'warm', getRemainingTimeInMillis: () => 6000, callbackWaitsForEmptyEventLoop: true } as unknown as Context;
      await expect(handler(payload, context)).resolves.toBe(WARMED);
    } finally {
      for (const spy of [stdout, stderr, ...consoles]) spy.mockRestore();
    }
    expect(written).toEqual([]); // no log line, so no MONITORING metric line either
    expect(fetched).not.toHaveBeenCalled();
    for (const client of clients) expect(client.calls()).toHaveLength(0);
    fetched.mockRestore();
  });
});
