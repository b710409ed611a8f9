#!/usr/bin/env node
'use strict';

// The operator's side of the config service, called by ./build.sh config:
//   config put --stage S SERVICE KEY VALUE [--encrypt]   (VALUE "-" reads it from standard input)
//   config get --stage S SERVICE [KEY]
// A secret is encrypted here, with the stage's config KMS key under the context {service, key},
// and only the ciphertext travels; nothing printed ever holds the plaintext.
// Where: --stage local reads the running local cloud's endpoints.json (in LOCAL_CLOUD_STATE_DIR, or
// .local); any other stage needs
// YUBL_API_BASE_URL and API_KEY_CONFIG_ADMIN (put) or API_KEY_CONFIG_READ (get), and AWS credentials.

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { EncryptCommand, KMSClient } = require('@aws-sdk/client-kms');

const fail = (message) => {
  process.stderr.write(`config: ${message}\n`);
  process.exit(1);
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { stage: { type: 'string' }, encrypt: { type: 'boolean', default: false } },
});
const [command, service, key, rawValue] = positionals;
const stage = values.stage ?? fail('--stage is required');

function target() {
  if (stage === 'local') {
    // The running local cloud's endpoints (LOCAL_CLOUD_STATE_DIR, or the developer's .local), as ops-cli finds them.
    const file = path.join(process.env.LOCAL_CLOUD_STATE_DIR ?? path.resolve(__dirname, '..', '.local'), 'endpoints.json');
    if (!fs.existsSync(file)) fail('no local cloud is running: start it with ./build.sh deploy --stage local --detach');
    const cloud = JSON.parse(fs.readFileSync(file, 'utf8'));
    return {
      baseUrl: cloud.baseUrl,
      keys: { read: cloud.apiKeys['config-read'], admin: cloud.apiKeys['config-admin'] },
      kms: new KMSClient({ region: cloud.region, endpoint: cloud.endpoints.kms, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    };
  }
  return {
    baseUrl: process.env.YUBL_API_BASE_URL ?? fail(`set YUBL_API_BASE_URL to the ${stage} API's base URL`),
    keys: { read: process.env.API_KEY_CONFIG_READ, admin: process.env.API_KEY_CONFIG_ADMIN },
    kms: new KMSClient({}),
  };
}

async function call(method, url, apiKey, body) {
  const response = await fetch(url, {
    method,
    headers: { 'x-api-key': apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) fail(`${method} ${url} answered ${response.status}: ${text}`);
  process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
}

async function main() {
  if (command !== 'put' && command !== 'get') fail(`unknown config command '${command ?? ''}' (put, get)`);
  if (!service) fail(`config ${command} needs SERVICE`);
  const { baseUrl, keys, kms } = target();
  if (command === 'get') {
    const apiKey = keys.read ?? keys.admin ?? fail('set API_KEY_CONFIG_READ');
    return call('GET', `${baseUrl}/config/${encodeURIComponent(service)}${key ? `/${encodeURIComponent(key)}` : ''}`, apiKey);
  }
  if (!key || rawValue === undefined) fail('config put needs SERVICE KEY VALUE (VALUE "-" reads standard input)');
  const apiKey = keys.admin ?? fail('set API_KEY_CONFIG_ADMIN');
  const plain = rawValue === '-' ? fs.readFileSync(0, 'utf8').replace(/\n$/, '') : rawValue;
  let value = plain;
  if (values.encrypt) {
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: `alias/yubl-config-${stage}`, Plaintext: Buffer.from(plain), EncryptionContext: { service, key } }),
    );
    value = Buffer.from(CiphertextBlob).toString('base64');
  }
  return call('PUT', `${baseUrl}/config/${encodeURIComponent(service)}/${encodeURIComponent(key)}`, apiKey, { value, encrypted: values.encrypt });
}

main().catch((error) => fail(error.message));
