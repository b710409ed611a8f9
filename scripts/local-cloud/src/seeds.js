'use strict';

// Values the services need on a fresh local cloud, written at every start through the same API an
// operator uses: a project lists them in local-seeds.json (see services/config). A value is
// generated here and never stored in git (or, with `"known"`, one the local cloud made at this
// start, such as the partner stand-in's URL and key); a secret is encrypted with KMS first, under
// the encryption context {service, key}, so the config service only ever sees ciphertext.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { EncryptCommand } = require('@aws-sdk/client-kms');

/** @type {Record<string, () => string>} */
const GENERATORS = {
  'random-base64url-48': () => crypto.randomBytes(48).toString('base64url'),
};

/**
 * @typedef {{ url: string, adminKey: string, body: string, label: string }} Seed
 * @typedef {{ name: string, dir: string }} Project
 */

/**
 * PUTs one seed through the config API as an operator would.
 * @param {Seed} seed
 * @param {(line: string) => void} log
 */
async function putSeed({ url, adminKey, body, label }, log) {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': adminKey, 'x-correlation-id': `local-cloud-seed-${crypto.randomUUID()}` },
    body,
  });
  if (!response.ok) throw new Error(`seeding ${label} failed: ${response.status} ${await response.text()}`);
  log(`seeded ${label}`);
}

/**
 * The key the config service's admin API takes, named by a project's local-seeds.json; refused
 * here, by name, rather than sent as `x-api-key: undefined` for a 403 that says nothing.
 * @param {Project} project
 * @param {{ apiKeyVariable: string }} api
 * @param {Record<string, string>} apiKeys
 */
function adminKeyOf(project, api, apiKeys) {
  const adminKey = apiKeys[api.apiKeyVariable];
  if (!adminKey) throw new Error(`${project.name}: local-seeds.json names ${api.apiKeyVariable}, which no serverless.yml declares`);
  return adminKey;
}

/**
 * Writes every project's seeds; returns them as written, for `rewriteSeeds` after DynamoDB lost them.
 * @param {object} options
 * @param {Project[]} options.projects
 * @param {string} options.stage
 * @param {string} options.baseUrl
 * @param {import('@aws-sdk/client-kms').KMSClient} options.kms
 * @param {Record<string, string>} options.apiKeys
 * @param {(line: string) => void} options.log
 * @param {Record<string, string>} [options.known] values this start made (`"known"` seeds)
 * @returns {Promise<Seed[]>}
 */
async function writeSeeds({ projects, stage, baseUrl, kms, apiKeys, log, known = {} }) {
  /** @type {Seed[]} */
  const written = [];
  for (const project of projects) {
    const file = path.join(project.dir, 'local-seeds.json');
    if (!fs.existsSync(file)) continue;
    const { api, entries } = JSON.parse(fs.readFileSync(file, 'utf8'));
    const adminKey = adminKeyOf(project, api, apiKeys);
    for (const entry of entries) {
      const generate = entry.known !== undefined ? () => known[entry.known] : GENERATORS[entry.generate];
      if (!generate) throw new Error(`${project.name}: unknown generator '${entry.generate}' in local-seeds.json`);
      let value = generate();
      if (value === undefined) throw new Error(`${project.name}: local-seeds.json names '${entry.known}', which the local cloud does not know`);
      if (entry.encrypt) {
        const { CiphertextBlob } = await kms.send(
          new EncryptCommand({
            KeyId: api.kmsKeyAlias.replace('{stage}', stage),
            Plaintext: Buffer.from(value),
            EncryptionContext: { service: entry.service, key: entry.key },
          }),
        );
        value = Buffer.from(/** @type {Uint8Array} */ (CiphertextBlob)).toString('base64');
      }
      const seed = {
        url: `${baseUrl}${api.path.replace('{service}', entry.service).replace('{key}', entry.key)}`,
        adminKey,
        body: JSON.stringify({ value, encrypted: Boolean(entry.encrypt) }),
        label: `${entry.service}/${entry.key}${entry.encrypt ? ' (encrypted)' : ''}`,
      };
      await putSeed(seed, log);
      written.push(seed);
    }
  }
  return written;
}

/**
 * Writes the same seeds again (a restarted DynamoDB emulator lost them): the same values, so that
 * tokens signed with the seeded JWT secret stay good.
 * @param {Seed[]} written
 * @param {(line: string) => void} log
 */
async function rewriteSeeds(written, log) {
  for (const seed of written) await putSeed(seed, log);
}

/**
 * Puts one plain config value through the config service's API, as an operator's `./build.sh config put` does.
 * @param {{ projects: Project[], baseUrl: string, apiKeys: Record<string, string>, service: string, key: string, value: string, log: (line: string) => void }} options
 */
async function putConfigValue({ projects, baseUrl, apiKeys, service, key, value, log }) {
  for (const project of projects) {
    const file = path.join(project.dir, 'local-seeds.json');
    if (!fs.existsSync(file)) continue;
    const { api } = JSON.parse(fs.readFileSync(file, 'utf8'));
    const url = `${baseUrl}${api.path.replace('{service}', service).replace('{key}', key)}`;
    return putSeed({ url, adminKey: adminKeyOf(project, api, apiKeys), body: JSON.stringify({ value, encrypted: false }), label: `${service}/${key} = ${value}` }, log);
  }
  throw new Error('no project of this cloud serves config values (local-seeds.json)');
}

module.exports = { writeSeeds, rewriteSeeds, putConfigValue };
