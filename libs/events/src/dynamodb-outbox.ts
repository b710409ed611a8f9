// The outbox on DynamoDB and Kinesis: a service's state change and its events in one
// TransactWriteItems, published after the commit, and a relay for what a publish left behind.
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { DeleteCommand, DynamoDBDocumentClient, paginateScan, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { outgoingContext } from '@yubl/correlation';
import { log } from '@yubl/logger';
import { outboxItem, publishInOrder, relayItems, type Announcement, type OutboxItem, type OutboxPorts, type QueueOutcome } from './outbox';
import { PUBLISH_AFTER_COMMIT_MS, sdkClientOptions } from '@yubl/aws';

/** One write of a transaction, as lib-dynamodb takes it (Put, Update, Delete or ConditionCheck). */
export type TransactWrite = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface OutboxOptions {
  /** the service's own outbox table: key `id` (S), the event id */
  table: string;
  dynamodb?: DynamoDBDocumentClient;
  kinesis?: KinesisClient;
  /** how long a request may spend publishing after its commit (default @yubl/aws PUBLISH_AFTER_COMMIT_MS): past it the relay publishes */
  publishTimeoutMs?: number;
  /** the relay leaves items younger than this alone (default 6 s, a producer's timeout): their request may still publish them */
  relayMinAgeMs?: number;
  /** how long one relay run may publish for (default 20 s); what it does not reach waits for the next run */
  relayRunMs?: number;
}

/**
 * The publish after a commit gets one attempt of at most its own timeout (@yubl/aws: a timeout that
 * ends the call); the relay tries again. No forwardCorrelation: an outbox record already holds the
 * ids of the request that committed it.
 */
const outboxKinesisClient = (timeoutMs: number) => new KinesisClient(sdkClientOptions({ requestTimeoutMs: timeoutMs, maxAttempts: 1 }));

/** The write positions whose condition failed, when `error` is a transaction cancelled by conditions; else undefined. */
export function failedConditions(error: unknown): number[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const failed = reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
  return failed.length > 0 && reasons.every((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'None') ? failed : undefined;
}

function logOutcome(outcome: QueueOutcome, left: string) {
  if (outcome.failed) log.warn(`event not published: ${left}`, { eventId: outcome.failed.item.id, stream: outcome.failed.item.stream, error: String(outcome.failed.error) });
  for (const { item, error } of outcome.notRemoved) log.warn('event published but still in the outbox: the relay publishes it again', { eventId: item.id, error: String(error) });
}

export function dynamoDbOutbox({ table, dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions())), publishTimeoutMs = PUBLISH_AFTER_COMMIT_MS, kinesis = outboxKinesisClient(publishTimeoutMs), relayMinAgeMs = 6_000, relayRunMs = 20_000 }: OutboxOptions) {
  const ports: OutboxPorts = {
    async publish(item, signal) {
      await kinesis.send(new PutRecordCommand({ StreamName: item.stream, PartitionKey: item.partitionKey, Data: Buffer.from(item.record) }), { abortSignal: signal });
    },
    async remove(item) {
      await dynamodb.send(new DeleteCommand({ TableName: table, Key: { id: item.id } }));
    },
  };

  return {
    /**
     * Commits `writes` and one outbox item per announcement in one transaction (a cancelled
     * transaction throws, see failedConditions), then publishes them, best effort within
     * publishTimeoutMs: a slow or absent stream delays the events, never the caller, and whatever
     * is not published stays for the relay. The correlation ids are taken before the commit, so a
     * call chain that is too long is refused before anything is stored.
     */
    async commit(writes: TransactWrite[], announcements: Announcement[], now = new Date()): Promise<void> {
      const context = outgoingContext();
      const items = announcements.map((announcement) => outboxItem(announcement, context, now));
      const outboxWrites: TransactWrite[] = items.map((item) => ({ Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(id)' } }));
      await dynamodb.send(new TransactWriteCommand({ TransactItems: [...writes, ...outboxWrites] }));
      logOutcome(await publishInOrder(items, ports, AbortSignal.timeout(publishTimeoutMs)), 'left in the outbox for the relay');
    },

    /** Publishes what the outbox holds, oldest first per key, with the same event ids, and takes out what it published. */
    async relay(now = new Date()) {
      const items: OutboxItem[] = [];
      // A scan: the outbox holds only what a publish left behind, and the order is the relay's to make.
      for await (const page of paginateScan({ client: dynamodb }, { TableName: table, ConsistentRead: true })) items.push(...((page.Items ?? []) as OutboxItem[]));
      const report = await relayItems(items, { ...ports, publish: (item, signal) => ports.publish(item, AbortSignal.any([signal, AbortSignal.timeout(publishTimeoutMs)])) }, { now, minAgeMs: relayMinAgeMs, signal: AbortSignal.timeout(relayRunMs) });
      if (report.found > 0) log.info('outbox relayed', { ...report });
      return report;
    },
  };
}

export type Outbox = ReturnType<typeof dynamoDbOutbox>;
