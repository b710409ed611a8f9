import { aUser, fuzzEndpoint, localCloud, useLocalCloudEnvironment } from '@yubl/test-harness';

const cloud = localCloud();
useLocalCloudEnvironment({ YUBLS_TABLE: `yubls-${cloud.stage}`, YUBLS_STREAM: `yubls-${cloud.stage}`, CONFIG_API_URL: cloud.baseUrl, CONFIG_API_KEY: cloud.apiKeys['config-read']! });
const handlerOf = (file: string) => async () => (await import(`../../src/handlers/${file}`)).handler;

describe('yubls under random input: only 4xx, never 5xx', () => {
  it.each([
    ['POST', '/yubls', handlerOf('post')],
    ['GET', '/yubls/{id}', handlerOf('get')],
  ])('%s %s', async (method, resource, handler) => {
    const user = await aUser();
    await fuzzEndpoint({ method, resource, handler }, { known: { authorization: [`Bearer ${user.token}`] } });
  }, 300_000);
});
