import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ConfigEntry, EntryStore } from './entries';
import { sdkClientOptions } from '@yubl/aws';

/** Config entries in this service's DynamoDB table (service, key). */
export function dynamoDbEntryStore(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions()))): EntryStore {
  return {
    async get(service, key) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { service, key }, ConsistentRead: true }));
      return Item as ConfigEntry | undefined;
    },
    async list(service) {
      const entries: ConfigEntry[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new QueryCommand({ TableName: table, KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'service' }, ExpressionAttributeValues: { ':s': service }, ExclusiveStartKey }));
        entries.push(...((page.Items ?? []) as ConfigEntry[]));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return entries;
    },
    async putIfVersion(entry, previousVersion) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: entry,
            ConditionExpression: previousVersion === 0 ? 'attribute_not_exists(#v)' : '#v = :previous',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: previousVersion === 0 ? undefined : { ':previous': previousVersion },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
