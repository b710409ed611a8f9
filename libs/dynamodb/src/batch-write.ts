// Writing many items at once, the one way every service does it: BatchWriteItem 25 items a
// request (its limit), a few requests side by side (4 by default), and what DynamoDB leaves unprocessed (it may,
// under load, answer 200 with part of a batch undone) sent again after a growing, jittered pause,
// a bounded number of times, so that a caller either has every item written or an error.
// Items come plain (putAll, through the document client) or already in DynamoDB's attribute-value
// form (putAllMarshalled, through the low-level client): the second is for a writer of many items
// that share most of their attributes, marshalled once (add-to-feed: one yubl, 1,000 feeds).
import { BatchWriteItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const BATCH = 25;

export interface PutAllOptions {
  /** attempts per batch before giving up (default 8) */
  maxAttempts?: number;
  /** the first pause between attempts in ms, doubled each time up to a second (default 25) */
  basePauseMs?: number;
  /**
   * requests in flight at once (default 4). Every request must answer inside the SDK's request
   * timeout (libs/aws); sending all of a 1,000-item call's 40 at once, 4 such calls side by side,
   * queued 160 at one table and timed them out whole under load (issue 13's fan-out, locally: one
   * dynalite), where 4 a call write as fast (the write rate of one table, not the count in flight, is the bound).
   */
  concurrency?: number;
}

type PutRequest<Item> = { PutRequest: { Item: Item } };
/** Sends one BatchWriteItem of `requests` to `table`; resolves with what came back unprocessed. */
type SendBatch<Item> = (requests: PutRequest<Item>[]) => Promise<PutRequest<Item>[]>;

/** Puts every item into `table`; throws if some are still unprocessed after the last attempt. */
export async function putAll(client: Pick<DynamoDBDocumentClient, 'send'>, table: string, items: readonly object[], options: PutAllOptions = {}): Promise<void> {
  const send: SendBatch<Record<string, unknown>> = async (requests) => {
    const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    return (UnprocessedItems?.[table] ?? []) as PutRequest<Record<string, unknown>>[];
  };
  await writeAll(send, table, items as readonly Record<string, unknown>[], options);
}

/**
 * putAll for items already in attribute-value form, through the low-level client: no document
 * client to marshall every item again, and a client that may cache its middleware stack
 * (`cacheMiddleware`, which the document client refuses). For the fan-out's 1,000 items a call,
 * this is about a third less of the writer's CPU (issue 13, measured beside dynalite).
 */
export async function putAllMarshalled(client: Pick<DynamoDBClient, 'send'>, table: string, items: readonly Record<string, AttributeValue>[], options: PutAllOptions = {}): Promise<void> {
  const send: SendBatch<Record<string, AttributeValue>> = async (requests) => {
    const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
    return (UnprocessedItems?.[table] ?? []) as PutRequest<Record<string, AttributeValue>>[];
  };
  await writeAll(send, table, items, options);
}

async function writeAll<Item>(send: SendBatch<Item>, table: string, items: readonly Item[], { maxAttempts = 8, basePauseMs = 25, concurrency = 4 }: PutAllOptions): Promise<void> {
  const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(basePauseMs * 2 ** attempt, 1_000) * (0.5 + Math.random() / 2)));

  async function writeBatch(requests: PutRequest<Item>[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= maxAttempts) throw new Error(`${pending.length} items for ${table} still unprocessed after ${maxAttempts} attempts`);
      if (attempt > 0) await pause(attempt);
      pending = await send(pending);
    }
  }

  const batches: PutRequest<Item>[][] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH).map((item) => ({ PutRequest: { Item: item } })));
  // `concurrency` writers, each taking the next batch when its last one is written; the first
  // failure stops them taking more and is thrown once every writer has stopped.
  let next = 0;
  let failure: { error: unknown } | undefined;
  const writer = async () => {
    while (next < batches.length && !failure) {
      try {
        await writeBatch(batches[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), batches.length) }, writer));
  if (failure) throw failure.error;
}
