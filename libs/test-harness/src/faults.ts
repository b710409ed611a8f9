// Faults on the local cloud made with its real processes (a paused emulator), and the events a
// stream really holds, for tests that count what survived them.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { localClientConfig, localCloudStateDir } from './local-cloud';

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
