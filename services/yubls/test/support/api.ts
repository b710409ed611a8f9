// The yubls service's endpoints, declared once for its acceptance tests (through `when`: in
// process or through the gateway). Authors come from the users service, over HTTP.
import { localCloud, useLocalCloudEnvironment, type HttpEndpoint } from '@yubl/test-harness';

export const cloud = useLocalCloudEnvironment({
  YUBLS_TABLE: `yubls-${localCloud().stage}`,
  YUBLS_STREAM: `yubls-${localCloud().stage}`,
  IDEMPOTENCY_KEYS_TABLE: `yubls-idempotency-keys-${localCloud().stage}`,
  OUTBOX_TABLE: `yubls-outbox-${localCloud().stage}`,
  CONFIG_API_URL: localCloud().baseUrl,
  CONFIG_API_KEY: localCloud().apiKeys['config-read']!,
});

const handlerOf = (file: string) => async () => (await import(`../../src/handlers/${file}`)).handler;
export const postYubl: HttpEndpoint = { method: 'POST', resource: '/yubls', handler: handlerOf('post') };
export const getYubl: HttpEndpoint = { method: 'GET', resource: '/yubls/{id}', handler: handlerOf('get') };
