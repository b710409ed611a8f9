import { createHash } from 'node:crypto';
import { fuzzEndpoint, localCloud, useLocalCloudEnvironment, type HttpEndpoint } from '@yubl/test-harness';

const cloud = localCloud();
useLocalCloudEnvironment({ CONFIG_TABLE: `config-entries-${cloud.stage}`, ADMIN_API_KEY_SHA256: createHash('sha256').update(cloud.apiKeys['config-admin']!).digest('hex') });
const handlerOf = (file: string) => async () => (await import(`../../src/handlers/${file}`)).handler;

describe('config under random input: only 4xx, never 5xx', () => {
  it.each([
    ['GET', '/config/{service}', handlerOf('list')],
    ['GET', '/config/{service}/{key}', handlerOf('get')],
    ['PUT', '/config/{service}/{key}', handlerOf('put')],
  ])('%s %s', async (method, resource, handler) => {
    const endpoint: HttpEndpoint = { method, resource, handler };
    await fuzzEndpoint(endpoint, { known: { pathValues: ['auth', 'jwt-secret', 'fuzz'], apiKeys: [cloud.apiKeys['config-read']!, cloud.apiKeys['config-admin']!] } });
  }, 300_000);
});
