// Faults on the local cloud made with its real processes (a paused emulator), and the events a
// stream really holds, for tests that count what survived them.
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { eventually } from './eventually';
import { localClientConfig, localCloudStateDir } from './local-cloud';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../../..');

/** The pid of the local cloud's child process whose command line holds `match` (e.g. `run-emulator.js kinesis`). */
export function localCloudProcess(match: string, stateDir = localCloudStateDir()): number {
  const { children } = JSON.parse(readFileSync(join(stateDir, 'local-cloud.json'), 'utf8')) as { children: number[] };
  const found = children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(match);
    } catch {
      return false;
    }
  });
  if (found.length !== 1) throw new Error(`expected one local cloud process matching "${match}", found ${found.length}`);
  return found[0]!;
}

/** The pid of the serverless-offline that runs `service` (its working directory is the service's). */
export function localCloudServiceProcess(service: string, stateDir = localCloudStateDir()): number {
  const { children } = JSON.parse(readFileSync(join(stateDir, 'local-cloud.json'), 'utf8')) as { children: number[] };
  const found = children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('offline') && basename(readlinkSync(`/proc/${pid}/cwd`)) === service;
    } catch {
      return false;
    }
  });
  if (found.length !== 1) throw new Error(`expected one serverless-offline for "${service}", found ${found.length}`);
  return found[0]!;
}

/** Kills the process outright (SIGKILL), as a crash would: nothing of it gets to clean up. */
export const kill = (pid: number): void => {
  process.kill(pid, 'SIGKILL');
};

/** What the local cloud's GET /health answers: each part's probed state, and each process's restarts. */
export interface CloudHealth {
  httpStatus: number;
  status: string;
  parts: Record<string, string>;
  processes: Record<string, { pid: number; restarts: number; lastRestart?: { at: string; reason: string; recoveredInMs: number }; onRestart: { recovers: string; loses: string } }>;
}

export async function cloudHealth(baseUrl: string): Promise<CloudHealth> {
  const response = await fetch(`${baseUrl}/health`);
  return { httpStatus: response.status, ...((await response.json()) as Omit<CloudHealth, 'httpStatus'>) };
}

/**
 * Waits until `part` has been restarted more than `restartsBefore` times and the whole cloud is
 * ready again; returns its health then.
 */
export async function recovered(baseUrl: string, part: string, restartsBefore: number, timeout = 90_000): Promise<CloudHealth> {
  return eventually(
    async () => {
      const health = await cloudHealth(baseUrl);
      expect(health.processes[part]!.restarts).toBeGreaterThan(restartsBefore);
      expect(health).toMatchObject({ httpStatus: 200, status: 'ready' });
      return health;
    },
    { timeout, interval: 200 },
  );
}

/** What `./build.sh redrive --json` counted (docs/api.md "Failure queues and redrive"). */
export interface RedriveCounts {
  redelivered: number;
  async: number;
  kinesisBatches: number;
  kinesisRecords: number;
  failed: number;
  recordsGone: number;
  unrecognised: number;
  left: number;
}

/** Runs `./build.sh redrive --stage local --queue NAME --json` against the cloud in `stateDir`, as an operator would. */
export async function redrive(queueName: string, stateDir = localCloudStateDir()): Promise<RedriveCounts> {
  const { stdout } = await run(join(repoRoot, 'build.sh'), ['redrive', '--stage', 'local', '--queue', queueName, '--json'], { env: { ...process.env, LOCAL_CLOUD_STATE_DIR: stateDir } })
    // It exits 1 when something was left in the queue, and prints its counts all the same.
    .catch((error: { stdout?: string; stderr?: string }) => {
      if (!error.stdout) throw new Error(`./build.sh redrive failed: ${error.stderr}`, { cause: error });
      return { stdout: error.stdout };
    });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as RedriveCounts;
}

/** Runs `during` with the process stopped (SIGSTOP), and always lets it go on after (SIGCONT). */
export async function whilePaused<T>(pid: number, during: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    return await during();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

export interface StreamRecord {
  partitionKey: string;
  sequenceNumber: string;
  /** the record's data, parsed ({} for data that is no JSON object: a poison record another test put there) */
  data: { type?: string; id?: string; data?: any; __context__?: Record<string, string> };
  /** the record's data as text */
  text: string;
}

function parsedData(text: string): StreamRecord['data'] {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as StreamRecord['data']) : {};
  } catch {
    return {};
  }
}

/** Every record on a stream from its trim horizon, shard by shard, each shard's in order. */
export async function recordsOnStream(stream: string, client = new KinesisClient({ ...localClientConfig('kinesis'), requestHandler: new NodeHttpHandler() }) /* kinesalite speaks HTTP/1.1 only */): Promise<StreamRecord[]> {
  const records: StreamRecord[] = [];
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: stream }));
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        const text = Buffer.from(record.Data!).toString('utf8');
        records.push({ partitionKey: record.PartitionKey!, sequenceNumber: record.SequenceNumber!, data: parsedData(text), text });
      }
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

/** Every item of a table (an outbox, say: what is still to publish). */
export async function itemsOf(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig('dynamodb')))): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) items.push(...(page.Items ?? []));
  return items;
}

/** How many times each value occurs. */
export const countsOf = (values: readonly string[]): Record<string, number> => values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

/**
 * A client that gives up: sends the whole request, then closes its connection before any answer
 * (as an app whose timeout fired does). Resolves once the request is on the wire and hung up on.
 */
export function sendAndHangUp(url: string, { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } });
    request.on('error', () => {}); // our own hang-up
    request.on('finish', () => {
      request.destroy();
      resolve();
    });
    request.on('response', () => reject(new Error(`${method} ${url} was answered before the client could hang up`)));
    request.end(body);
  });
}
