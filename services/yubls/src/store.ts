import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { failedConditions, type Outbox, type TransactWrite } from '@yubl/events';
import type { IdempotencyRecord, Yubl, YublStore } from './yubls';
import { sdkClientOptions } from '@yubl/aws';

export interface YublTables {
  yubls: string;
  /** Idempotency-Key records, `pk` = `<authorId>#<key>` (an author id holds no #), with TTL on `expiresAt` */
  idempotencyKeys: string;
}

/** Reading yubls alone, for the functions that only read. */
export function dynamoDbYublReader(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions()))): Pick<YublStore, 'get'> {
  return {
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { id } }));
      return Item as Yubl | undefined;
    },
  };
}

// A post is one transaction: the idempotency record (when the request has a key) first, held
// conditionally, then the yubl and its yubl-posted event (the outbox, partitioned by author).
export function dynamoDbYublStore(tables: YublTables, outbox: Outbox, stream: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions()))): YublStore {
  const idempotencyKey = (authorId: string, key: string) => `${authorId}#${key}`;
  return {
    async post(yubl, posted, idempotency) {
      const writes: TransactWrite[] = [{ Put: { TableName: tables.yubls, Item: yubl } }];
      if (idempotency) {
        // An expired record may still be there (TTL deletes late): it no longer holds the key.
        writes.unshift({
          Put: {
            TableName: tables.idempotencyKeys,
            Item: { pk: idempotencyKey(idempotency.authorId, idempotency.key), ...idempotency },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': Math.floor(Date.parse(yubl.postedAt) / 1000) },
          },
        });
      }
      try {
        await outbox.commit(writes, [{ stream, partitionKey: yubl.authorId, event: posted }]);
        return true;
      } catch (error) {
        if (idempotency && failedConditions(error)?.includes(0)) return false;
        throw error;
      }
    },
    async idempotencyRecord(authorId, key) {
      const { Item } = await client.send(new GetCommand({ TableName: tables.idempotencyKeys, Key: { pk: idempotencyKey(authorId, key) }, ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _key, ...record } = Item;
      return record as IdempotencyRecord;
    },
    ...dynamoDbYublReader(tables.yubls, client),
  };
}
