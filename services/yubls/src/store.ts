import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Yubl, YublStore } from './yubls';

export function dynamoDbYublStore(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient({}))): YublStore {
  return {
    async put(yubl) {
      await client.send(new PutCommand({ TableName: table, Item: yubl }));
    },
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { id } }));
      return Item as Yubl | undefined;
    },
  };
}
