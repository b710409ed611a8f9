'use strict';

// A local cloud of its own for a benchmark: every service (and any extra project), on port base
// 13000 (BENCH_CLOUD_PORT_BASE), so that it disturbs no other cloud; started and stopped through
// the command line.
const { execFileSync } = require('node:child_process');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { BatchWriteCommand, DynamoDBDocumentClient } = require('@aws-sdk/lib-dynamodb');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'scripts/local-cloud/bin/local-cloud.js');
const stateDir = path.join(root, '.local', 'bench-cloud');
const PORT_BASE = Number(process.env.BENCH_CLOUD_PORT_BASE ?? 13000);

/** Where a bench's cloud runs: the CLI, its state directory and its port base. */
const benchCloudPlace = () => ({ cli, stateDir, portBase: PORT_BASE });

function startBenchCloud(extraProjects = []) {
  const services = fs.readdirSync(path.join(root, 'services')).filter((name) => fs.existsSync(path.join(root, 'services', name, 'serverless.yml')));
  const projects = [...services.map((name) => path.join(root, 'services', name)), ...extraProjects];
  execFileSync(process.execPath, [cli, 'stop', '--state-dir', stateDir], { stdio: 'ignore' });
  execFileSync(process.execPath, [cli, 'up', '--detach', '--port-base', String(PORT_BASE), '--state-dir', stateDir, ...projects.flatMap((p) => ['--project', p])], { stdio: ['ignore', 'ignore', 'inherit'] });
  const cloud = JSON.parse(fs.readFileSync(path.join(stateDir, 'endpoints.json'), 'utf8'));
  return {
    cloud,
    stateDir,
    log: () => fs.readFileSync(path.join(stateDir, 'local-cloud.log'), 'utf8'),
    logTail: () => logTail(path.join(stateDir, 'local-cloud.log')),
    stop: () => execFileSync(process.execPath, [cli, 'stop', '--state-dir', stateDir], { stdio: 'ignore' }),
  };
}

/**
 * A reader of the lines appended to `file` from now on: each call returns the whole lines written
 * since the last one. A bench that polls the log reads only what is new, so that the generator's
 * own CPU (it shares the two cores it measures) does not grow with the log.
 */
function logTail(file) {
  let offset = fs.statSync(file).size;
  let partial = '';
  return () => {
    const size = fs.statSync(file).size;
    if (size <= offset) return [];
    const buffer = Buffer.alloc(size - offset);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      fs.closeSync(fd);
    }
    offset = size;
    const lines = (partial + buffer.toString('utf8')).split('\n');
    partial = lines.pop();
    return lines;
  };
}

/**
 * CPU time (ms, user and system, all threads) used so far by every process of the cloud: the
 * supervisor (gateway, event-source pollers), each emulator by name (`iot` is the broker and the
 * data plane), each serverless-offline by its service (its functions' workers are its threads), and
 * the bench's own process; to say where a fan-out's time goes on
 * the two cores they all share.
 */
function cloudCpuMs(bench) {
  const { pid: supervisor, children } = JSON.parse(fs.readFileSync(path.join(bench.stateDir, 'local-cloud.json'), 'utf8'));
  const ticksPerMs = 100 / 1000; // USER_HZ on Linux
  const own = process.cpuUsage();
  const cpu = { bench: (own.user + own.system) / 1000 };
  for (const pid of [supervisor, ...children]) {
    try {
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const emulator = commandLine.findIndex((arg) => arg.endsWith('run-emulator.js'));
      let name;
      if (pid === supervisor) name = 'supervisor';
      else if (emulator >= 0) name = commandLine[emulator + 1];
      else if (commandLine.includes('offline')) name = `service:${path.basename(fs.readlinkSync(`/proc/${pid}/cwd`))}`;
      else name = `other:${pid}`;
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu[name] = (cpu[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / ticksPerMs; // utime, stime
    } catch {
      // a process that ended since the list was written
    }
  }
  return cpu;
}
/** What each process of `after` used since `before` (ms). */
const cpuSince = (before, after) => Object.fromEntries(Object.keys(after).map((name) => [name, Math.round(after[name] - (before[name] ?? 0))]));

function writeResult(name, result) {
  const file = path.join(__dirname, 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`);
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}

async function aUser(baseUrl, tag) {
  const response = await fetch(`${baseUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `bench_${tag}`, firstName: 'Bench', lastName: tag, password: 'bench-password' }),
  });
  if (response.status !== 201) throw new Error(`POST /users answered ${response.status}: ${await response.text()}`);
  const { user, token } = await response.json();
  return { ...user, token };
}

/** Writes `items` to `table` with BatchWriteItem, 25 a request, `writers` requests at a time. */
async function batchWriteAll(client, table, items, writers = 8) {
  const chunks = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let pending = chunks[next++].map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, worker));
}

/** A document client for the bench cloud's DynamoDB. */
const documentClient = (cloud) =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ region: cloud.region, endpoint: cloud.endpoints.dynamodb, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));

/**
 * `count` followers for `author`, written straight into the relationships table (only the
 * followers pages read it): their ids.
 */
async function followedBy(cloud, author, count) {
  const since = new Date().toISOString();
  const followerIds = Array.from({ length: count }, (_, i) => `bench-follower-${String(i).padStart(5, '0')}`);
  await batchWriteAll(documentClient(cloud), `relationships-${cloud.stage}`, followerIds.map((id) => ({ userId: author.id, sk: `follower#${id}`, since })));
  return followerIds;
}

/**
 * A bearer token for any user id, signed with the cloud's JWT secret: read through the config API
 * with the read key and decrypted under its encryption context, as a function reads it.
 */
async function tokenSigner(cloud) {
  const { DecryptCommand, KMSClient } = require('@aws-sdk/client-kms');
  const { SignJWT } = await import('jose');
  const response = await fetch(`${cloud.baseUrl}/config/auth/jwt-secret`, { headers: { 'x-api-key': cloud.apiKeys['config-read'] } });
  if (!response.ok) throw new Error(`GET /config/auth/jwt-secret answered ${response.status}`);
  const { value } = await response.json();
  const kms = new KMSClient({ region: cloud.region, endpoint: cloud.endpoints.kms, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(value, 'base64'), EncryptionContext: { service: 'auth', key: 'jwt-secret' } }));
  const key = new Uint8Array(Plaintext);
  return (userId) => new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(userId).setIssuedAt().setExpirationTime('1h').sign(key);
}

module.exports = { benchCloudPlace, startBenchCloud, cloudCpuMs, cpuSince, writeResult, aUser, batchWriteAll, documentClient, followedBy, tokenSigner };

