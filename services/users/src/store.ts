import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { failedConditions, type Outbox } from '@yubl/events';
import type { StoredUser, UserStore } from './users';
import { sdkClientOptions } from '@yubl/aws';

// One table, two kinds of item: user#<id> (the user) and username#<name> (who holds a username,
// claimed with a conditional write so that two sign-ups cannot share one). A sign-up writes both
// and its user-joined event (the outbox, partitioned by user id) in one transaction.
export function dynamoDbUserStore(table: string, outbox: Outbox, stream: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions()))): UserStore {
  return {
    async create(user, joined) {
      try {
        await outbox.commit(
          [
            { Put: { TableName: table, Item: { pk: `username#${user.username}`, userId: user.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: table, Item: { pk: `user#${user.id}`, ...user }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
          [{ stream, partitionKey: user.id, event: joined }],
        );
        return true;
      } catch (error) {
        if (failedConditions(error)?.includes(0)) return false;
        throw error;
      }
    },
    async userIdByUsername(username) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: `username#${username}` } }));
      return Item?.userId as string | undefined;
    },
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: `user#${id}` } }));
      if (!Item) return undefined;
      const { pk: _key, ...user } = Item;
      return user as StoredUser;
    },
  };
}
