// Random requests, each judged by docs/api.md: what the contract refuses gets its 4xx (a 2xx is a
// failure), what it allows the documented answers, nothing a 5xx. Writes go to a service name of
// this run's own, never to a real entry.
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import seeds from '../../local-seeds.json';
import { apiKey, fuzzEndpoint, jsonBody, localCloud, testMode, useLocalCloudEnvironment, type FuzzRule, type HttpEndpoint } from '@yubl/test-harness';
import { keyHashes } from '../../../../scripts/api-key-hashes';

const cloud = localCloud();
const readKey = cloud.apiKeys['config-read']!;
const adminKey = cloud.apiKeys['config-admin']!;
useLocalCloudEnvironment({ CONFIG_TABLE: `config-entries-${cloud.stage}`, ADMIN_API_KEY_SHA256: keyHashes({ API_KEY_CONFIG_ADMIN: adminKey }).API_KEY_CONFIG_ADMIN_SHA256! });
const seededServices = new Set((seeds.entries as { service: string }[]).map((entry) => entry.service));
const handlerOf = (file: string) => async () => (await import(`../../src/handlers/${file}`)).handler;
const endpoint = (method: string, resource: string, file: string): HttpEndpoint => ({ method, resource, handler: handlerOf(file) });

// PUT's body: {value, encrypted} (docs/api.md), with the service's own bounds: a value of 1–32768
// characters, base64 when encrypted; an optional expectedVersion, a whole number from 0.
const PutBody = v.object({ value: v.pipe(v.string(), v.minLength(1), v.maxLength(32_768)), encrypted: v.boolean(), expectedVersion: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) });
const encryptedIsCiphertext: FuzzRule = ({ body }) => {
  const sent = (() => {
    try {
      return JSON.parse(body ?? '') as { value?: unknown; encrypted?: unknown };
    } catch {
      return undefined;
    }
  })();
  return sent?.encrypted === true && typeof sent.value === 'string' && !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(sent.value) ? [400] : undefined;
};
// API Gateway lets only the stage's keys through; in process no gateway stands in front of a read.
const gatewayKeys = testMode() === 'http' ? [apiKey([readKey, adminKey])] : [];
// A name that is no service or key name may be refused as invalid input.
const orBadName = (...statuses: number[]) => [...statuses, 400];

describe('config under random input: the documented 4xx for what the contract refuses, never a 5xx', () => {
  const known = { pathValues: ['auth', 'jwt-secret', 'fuzz'], apiKeys: [readKey, adminKey] };

  it('GET /config/{service}', async () => {
    await fuzzEndpoint(endpoint('GET', '/config/{service}', 'list'), { known, rules: gatewayKeys, accepts: ({ params }) => (known.pathValues.includes(params.service!) ? [200] : orBadName(200)) });
  }, 300_000);

  it('GET /config/{service}/{key}', async () => {
    await fuzzEndpoint(endpoint('GET', '/config/{service}/{key}', 'get'), { known, rules: gatewayKeys, accepts: ({ params }) => (params.service === 'auth' && params.key === 'jwt-secret' ? [200] : orBadName(404)) });
  }, 300_000);

  it('PUT /config/{service}/{key}', async () => {
    const service = `fuzz-${randomUUID().slice(0, 8)}`;
    await fuzzEndpoint(endpoint('PUT', '/config/{service}/{key}', 'put'), {
      known: { pathValues: [service, 'k'], apiKeys: known.apiKeys },
      bodies: [{ value: '20', encrypted: false }, { value: 'c2VjcmV0', encrypted: true, expectedVersion: 0 }],
      rules: [apiKey([adminKey]), jsonBody(PutBody), encryptedIsCiphertext],
      // 409 for a stale expectedVersion; a random service or key (never a real entry: the names are
      // the run's own or random) is written or refused as no name.
      accepts: ({ params }) => (params.service === service && params.key === 'k' ? [200, 409] : orBadName(200, 409)),
      // Never a seeded entry, however the random names fall: other tests sign with auth's secret.
      never: ({ service: name }) => seededServices.has(name!),
    });
  }, 300_000);
});
