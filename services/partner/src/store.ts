import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { failedConditions, type Outbox } from '@yubl/events';
import type { AccountStore, PartnerAccount } from './accounts';

// One item per user. `created` is final: no later write (a late `failed`, a redelivered `created`)
// replaces it, and its partner-account-created event is committed with it, once (the outbox,
// partitioned by user id on Kinesis `users`).
const NOT_CREATED = { ConditionExpression: 'attribute_not_exists(userId) OR #status <> :created', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':created': 'created' } };

const conditionFailed = (error: unknown) => error instanceof ConditionalCheckFailedException;

export function dynamoDbAccountReader(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient({}))): Pick<AccountStore, 'get'> {
  return {
    async get(userId) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { userId }, ConsistentRead: true }));
      return Item as PartnerAccount | undefined;
    },
  };
}

export function dynamoDbAccountStore(table: string, outbox: Outbox, stream: string, client = DynamoDBDocumentClient.from(new DynamoDBClient({}))): AccountStore {
  return {
    ...dynamoDbAccountReader(table, client),
    async add(account) {
      try {
        await client.send(new PutCommand({ TableName: table, Item: account, ConditionExpression: 'attribute_not_exists(userId)' }));
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },
    async markCreated(account, created) {
      try {
        await outbox.commit([{ Put: { TableName: table, Item: account, ...NOT_CREATED } }], [{ stream, partitionKey: account.userId, event: created }]);
        return true;
      } catch (error) {
        if (failedConditions(error)?.includes(0)) return false;
        throw error;
      }
    },
    async markFailed(account) {
      try {
        await client.send(new PutCommand({ TableName: table, Item: account, ...NOT_CREATED }));
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },
  };
}
