// The config API (docs/api.md, /config), the same cases in process (TEST_MODE=handler) and through the
// local cloud's gateway (TEST_MODE=http), on the running test cloud.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { randomUUID } from 'node:crypto';
import { captureLogs, localClientConfig, localCloudLog, testMode, localCloud, useLocalCloudEnvironment, weCall, type CapturedLogs, type HttpEndpoint } from '@yubl/test-harness';
import { keyHashes } from '../../../../scripts/api-key-hashes';

const cloud = useLocalCloudEnvironment({ CONFIG_TABLE: `config-entries-${localCloud().stage}` });
const readKey = cloud.apiKeys['config-read']!;
const adminKey = cloud.apiKeys['config-admin']!;
// The one derivation of a key's SHA-256 (build.sh's and the local cloud's).
process.env.ADMIN_API_KEY_SHA256 = keyHashes({ API_KEY_CONFIG_ADMIN: adminKey }).API_KEY_CONFIG_ADMIN_SHA256;
const table = process.env.CONFIG_TABLE!;
const kms = new KMSClient(localClientConfig('kms', cloud));
const dynamodb = new DynamoDBClient(localClientConfig('dynamodb', cloud));
const plaintexts: string[] = [];

const endpoint = (method: string, resource: string, handler: string): HttpEndpoint => ({
  method,
  resource,
  handler: async () => (await import(`../../src/handlers/${handler}`)).handler,
});
const list = endpoint('GET', '/config/{service}', 'list');
const get = endpoint('GET', '/config/{service}/{key}', 'get');
const put = endpoint('PUT', '/config/{service}/{key}', 'put');

const service = () => `svc-${randomUUID().slice(0, 8)}`;
const putValue = (svc: string, key: string, body: object, apiKey = adminKey) => weCall(put, { path: `/config/${svc}/${key}`, headers: { 'x-api-key': apiKey }, body });

let logs: CapturedLogs;
beforeAll(() => {
  logs = captureLogs(); // in handler mode the functions log here
});
afterAll(() => logs.restore());

describe('the config API', () => {
  (testMode() === 'http' ? it : it.skip)('refuses a request without an API key (API Gateway does, before any function runs)', async () => {
    for (const request of [fetch(`${cloud.baseUrl}/config/auth`), fetch(`${cloud.baseUrl}/config/auth/jwt-secret`, { method: 'PUT', body: '{}' })]) {
      expect((await request).status).toBe(403);
    }
    expect((await fetch(`${cloud.baseUrl}/config/auth`, { headers: { 'x-api-key': 'not-a-key' } })).status).toBe(403);
  });

  it('refuses a write with the read key', async () => {
    const answer = await putValue(service(), 'page-size', { value: '20', encrypted: false }, readKey);
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: { code: 'Forbidden', message: 'Writing config needs the admin API key' } });
  });

  it('serves what the admin key wrote to the read key, with a version that grows', async () => {
    const svc = service();
    const first = await putValue(svc, 'page-size', { value: '20', encrypted: false });
    expect(first).toMatchObject({ status: 200, body: { service: svc, key: 'page-size', value: '20', encrypted: false, version: 1 } });
    const second = await putValue(svc, 'page-size', { value: '25', encrypted: false });
    expect(second.body.version).toBe(2);
    const read = await weCall(get, { path: `/config/${svc}/page-size`, headers: { 'x-api-key': readKey } });
    expect(read).toMatchObject({ status: 200, body: { value: '25', version: 2, updatedAt: expect.stringMatching(/^\d{4}-/) } });
    const all = await weCall(list, { path: `/config/${svc}`, headers: { 'x-api-key': readKey } });
    expect(all.body.items).toEqual([read.body]);
  });

  it('gives every one of many concurrent writes its own version, losing none', async () => {
    const svc = service();
    const writes = await Promise.all(Array.from({ length: 8 }, (_, i) => putValue(svc, 'limit', { value: String(i), encrypted: false })));
    expect(writes.map((w) => w.status)).toEqual(Array(8).fill(200));
    expect(writes.map((w) => w.body.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const last = writes.find((w) => w.body.version === 8)!;
    const read = await weCall(get, { path: `/config/${svc}/limit`, headers: { 'x-api-key': readKey } });
    expect(read.body).toMatchObject({ version: 8, value: last.body.value });
  });

  it('refuses a write based on a stale version with 409', async () => {
    const svc = service();
    await putValue(svc, 'flag', { value: 'on', encrypted: false });
    const stale = await putValue(svc, 'flag', { value: 'off', encrypted: false, expectedVersion: 0 });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'Conflict' } } });
    expect((await putValue(svc, 'flag', { value: 'off', encrypted: false, expectedVersion: 1 })).body.version).toBe(2);
  });

  it('stores and serves an encrypted value as the ciphertext it was given, never the plaintext', async () => {
    const svc = service();
    const plaintext = `secret-${randomUUID()}`;
    plaintexts.push(plaintext);
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: `alias/yubl-config-${cloud.stage}`, Plaintext: Buffer.from(plaintext), EncryptionContext: { service: svc, key: 'db-password' } }));
    const ciphertext = Buffer.from(CiphertextBlob!).toString('base64');
    const written = await putValue(svc, 'db-password', { value: ciphertext, encrypted: true });
    expect(written.body).toMatchObject({ value: ciphertext, encrypted: true });
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { service: { S: svc }, key: { S: 'db-password' } } }));
    expect(Item?.value?.S).toBe(ciphertext);
    expect(JSON.stringify(Item)).not.toContain(plaintext);
    const read = await weCall(get, { path: `/config/${svc}/db-password`, headers: { 'x-api-key': readKey } });
    expect(read.body.value).toBe(ciphertext);
  });

  it('refuses an "encrypted" value that is not ciphertext, bad names and bad bodies with 400, and answers 404 for what is not there', async () => {
    expect((await putValue(service(), 'x', { value: 'not base64!', encrypted: true })).status).toBe(400);
    expect((await putValue('Bad_Service', 'x', { value: '1', encrypted: false })).status).toBe(400);
    expect((await putValue(service(), 'x', { value: '', encrypted: false })).body.error).toMatchObject({ code: 'ValidationError', details: [{ path: 'body.value' }] });
    expect((await putValue(service(), 'x', { value: '1' })).status).toBe(400);
    expect((await weCall(get, { path: `/config/${service()}/missing`, headers: { 'x-api-key': readKey } })).status).toBe(404);
  });

  it('holds the seeded JWT secret encrypted, and no plaintext secret of this run is in any log line', async () => {
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { service: { S: 'auth' }, key: { S: 'jwt-secret' } } }));
    expect(Item?.encrypted?.BOOL).toBe(true);
    const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(Item!.value!.S!, 'base64'), EncryptionContext: { service: 'auth', key: 'jwt-secret' } }));
    plaintexts.push(Buffer.from(Plaintext!).toString('utf8'));
    const everything = `${localCloudLog()}\n${logs.text()}`;
    expect(everything.length).toBeGreaterThan(0);
    for (const plaintext of plaintexts) expect(everything).not.toContain(plaintext);
  });
});
