// The config client against the running test cloud's config service and KMS. A proxy in front of
// the config service lets a test take it down, as an outage would.
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { captureLogs, eventually, localClientConfig, localCloud, localCloudLog, type CapturedLogs } from '@yubl/test-harness';
import { createConfigClient, type ConfigClient } from '../../src';

const run = promisify(execFile);
const cloud = localCloud();
const adminKey = cloud.apiKeys['config-admin']!;
const readKey = cloud.apiKeys['config-read']!;
const kms = new KMSClient(localClientConfig('kms', cloud));
const plaintexts: string[] = [];

// Counts the Decrypt calls the client makes, on the real KMS client.
let decrypts = 0;
kms.middlewareStack.add((next, { commandName }) => (args) => {
  if (commandName === 'DecryptCommand') decrypts += 1;
  return next(args);
}, { step: 'initialize', name: 'countDecrypts' });

let proxy: Server;
let proxyUrl: string;
let down = false;
const requests = new Map<string, number>(); // path -> how often the config service was asked
// Every line written while this file runs, kept until its end: the last test reads them all.
let logs: CapturedLogs;
const clients: ConfigClient[] = [];

beforeAll(async () => {
  const upstream = new URL(cloud.baseUrl);
  proxy = createServer((req, res) => {
    requests.set(req.url!, (requests.get(req.url!) ?? 0) + 1);
    if (down) return res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"Service Unavailable"}');
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  process.env.AWS_REGION = cloud.region;
  logs = captureLogs();
});

beforeEach(() => {
  down = false;
});

afterAll(async () => {
  for (const client of clients) client.stop();
  logs.restore();
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});

async function write(service: string, key: string, value: string, encrypted: boolean) {
  let stored = value;
  if (encrypted) {
    plaintexts.push(value);
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: `alias/yubl-config-${cloud.stage}`, Plaintext: Buffer.from(value), EncryptionContext: { service, key } }));
    stored = Buffer.from(CiphertextBlob!).toString('base64');
  }
  const response = await fetch(`${cloud.baseUrl}/config/${service}/${key}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
    body: JSON.stringify({ value: stored, encrypted }),
  });
  expect(response.status).toBe(200);
  return stored;
}

const client = (keys: string[], options: { refreshSeconds?: number; maxStaleSeconds?: number; defaults?: Record<string, string> } = {}) => {
  const made = createConfigClient({ keys, baseUrl: proxyUrl, apiKey: readKey, kms, refreshSeconds: 1, ...options });
  clients.push(made);
  return made;
};
const service = () => `client-${randomUUID().slice(0, 8)}`;

describe('the config client', () => {
  it('decrypts a secret once per version, and sees a new value within one refresh', async () => {
    const svc = service();
    await write(svc, 'api-token', `first-${randomUUID()}`, true);
    decrypts = 0;
    const config = client([`${svc}/api-token`]);
    expect(await config.get(`${svc}/api-token`)).toBe(plaintexts.at(-1));
    // a background refresh fetches the same version again
    await eventually(() => expect(requests.get(`/config/${svc}/api-token`)).toBeGreaterThanOrEqual(2), { timeout: 3_000 });
    expect(await config.get(`${svc}/api-token`)).toBe(plaintexts.at(-1));
    expect(decrypts).toBe(1);
    const second = `second-${randomUUID()}`;
    await write(svc, 'api-token', second, true);
    await eventually(async () => expect(await config.get(`${svc}/api-token`)).toBe(second), { timeout: 2_500, interval: 100 });
    expect(decrypts).toBe(2);
  });

  it('serves the last value with a warning while the config service is down, and fails past the staleness limit', async () => {
    const svc = service();
    await write(svc, 'page-size', '20', false);
    const config = client([`${svc}/page-size`], { maxStaleSeconds: 3 });
    expect(await config.get(`${svc}/page-size`)).toBe('20');
    down = true;
    await eventually(() => expect(logs).toHaveLogged({ level: 'warn', message: 'config refresh failed; serving the last value', config: `${svc}/page-size` }), { timeout: 3_000 });
    expect(await config.get(`${svc}/page-size`)).toBe('20');
    await eventually(() => expect(config.get(`${svc}/page-size`)).rejects.toThrow(/is \d+ s old, over the 3 s limit/), { timeout: 6_000, interval: 250 });
    down = false;
    await eventually(async () => expect(await config.get(`${svc}/page-size`)).toBe('20'), { timeout: 3_000 });
  });

  it('fails clearly for a value that was never loaded: service down, value missing, or not declared', async () => {
    down = true;
    const whileDown = client([`${service()}/anything`]);
    await expect(whileDown.get(`${service()}/other`)).rejects.toThrow(/was not declared in createConfigClient/);
    const name = `${service()}/page-size`;
    await expect(client([name]).get(name)).rejects.toThrow(new RegExp(`${name} has never been loaded: .*503`));
    down = false;
    const missing = `${service()}/missing`;
    await expect(client([missing]).get(missing)).rejects.toThrow(new RegExp(`${missing} has never been loaded: .*404`));
  });

  it('serves a default while the entry does not exist, the entry once written, and never a default while the service is down', async () => {
    const svc = service();
    const name = `${svc}/mode`;
    const config = client([name], { defaults: { [name]: 'strict' } });
    expect(await config.get(name)).toBe('strict');
    await write(svc, 'mode', 'permissive', false);
    await eventually(async () => expect(await config.get(name)).toBe('permissive'), { timeout: 2_500, interval: 100 });
    down = true;
    const another = `${service()}/mode`;
    await expect(client([another], { defaults: { [another]: 'strict' } }).get(another)).rejects.toThrow(/has never been loaded: .*503/);
  });

  it('loads a value whose first load failed on a later get, without waiting for the refresh', async () => {
    const svc = service();
    await write(svc, 'flag', 'on', false);
    down = true;
    // No background refresh within this test: only a get can load it.
    const config = client([`${svc}/flag`], { refreshSeconds: 3600 });
    await expect(config.get(`${svc}/flag`)).rejects.toThrow(/has never been loaded: .*503/);
    down = false;
    await eventually(async () => expect(await config.get(`${svc}/flag`)).toBe('on'), { timeout: 3_000, interval: 200 });
    // Once loaded, gets are served from memory: no request per get.
    const asked = requests.get(`/config/${svc}/flag`);
    for (let i = 0; i < 5; i += 1) await config.get(`${svc}/flag`);
    expect(requests.get(`/config/${svc}/flag`)).toBe(asked);
  });

  it('fails clearly for a value whose ciphertext was tampered with', async () => {
    const svc = service();
    const stored = await write(svc, 'key', `tamper-${randomUUID()}`, true);
    const bytes = Buffer.from(stored, 'base64');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    const response = await fetch(`${cloud.baseUrl}/config/${svc}/key`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
      body: JSON.stringify({ value: bytes.toString('base64'), encrypted: true }),
    });
    expect(response.status).toBe(200);
    const config = client([`${svc}/key`]);
    await expect(config.get(`${svc}/key`)).rejects.toThrow(new RegExp(`${svc}/key has never been loaded: version 2 could not be decrypted \\(InvalidCiphertextException`));
  });

  it('keeps no timer alive: a process that loaded its config exits by itself', async () => {
    const svc = service();
    await write(svc, 'flag', 'on', false);
    const outfile = join(__dirname, '../../../../.local/test-builds/load-once.js');
    await build({ entryPoints: [join(__dirname, '../fixtures/load-once.ts')], bundle: true, platform: 'node', target: 'node20', outfile, logLevel: 'silent', external: ['@aws-sdk/*'] });
    const { stdout } = await run(process.execPath, [outfile, `${svc}/flag`], {
      timeout: 10_000, // killed (and failed) if the refresh timer held the process open
      env: { ...process.env, CONFIG_API_URL: proxyUrl, CONFIG_API_KEY: readKey, AWS_REGION: cloud.region, AWS_ENDPOINT_URL_KMS: cloud.endpoints.kms, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
    });
    expect(stdout).toContain('loaded on');
    const idleAfterMs = Number(/idle (\d+) ms after loading/.exec(stdout)?.[1]);
    // From loading, not from spawn (a busy machine's node start took 5.4 s). Not under one refresh
    // interval either: sockets closing held a loaded CI run's loop 1.0 s. A ref'd timer never lets
    // it go idle, and the run above kills it at 10 s.
    expect(idleAfterMs).toBeLessThan(5_000);
  });

  // Last in the file: by now every test above has written all it will, background refreshes included.
  it('wrote no plaintext secret to any log line', () => {
    expect(plaintexts.length).toBeGreaterThan(0);
    expect(logs.lines.length).toBeGreaterThan(0); // the capture did see the file's lines
    const everything = `${localCloudLog()}\n${logs.text()}`;
    for (const plaintext of plaintexts) expect(everything).not.toContain(plaintext);
  });
});
