import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredUser, UserStore } from './users';

// One table, two kinds of item: user#<id> (the user) and username#<name> (who holds a username,
// claimed with a conditional write so that two sign-ups cannot share one).
export function dynamoDbUserStore(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient({}))): UserStore {
  return {
    async claimUsername(username, userId) {
      try {
        await client.send(new PutCommand({ TableName: table, Item: { pk: `username#${username}`, userId }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async releaseUsername(username) {
      await client.send(new DeleteCommand({ TableName: table, Key: { pk: `username#${username}` } }));
    },
    async userIdByUsername(username) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: `username#${username}` } }));
      return Item?.userId as string | undefined;
    },
    async put(user) {
      await client.send(new PutCommand({ TableName: table, Item: { pk: `user#${user.id}`, ...user } }));
    },
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: `user#${id}` } }));
      if (!Item) return undefined;
      const { pk: _key, ...user } = Item;
      return user as StoredUser;
    },
  };
}
