import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IndexEntry, SearchIndex } from './search';

export function dynamoDbSearchIndex(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient({}))): SearchIndex {
  return {
    async put(entries) {
      let pending = entries.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= 6) throw new Error('search index entries still unprocessed after 6 attempts');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    },
    async prefix(bucket, prefix, limit) {
      const { Items = [] } = await client.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: '#b = :b AND begins_with(sk, :p)', ExpressionAttributeNames: { '#b': 'bucket' }, ExpressionAttributeValues: { ':b': bucket, ':p': prefix }, Limit: limit }),
      );
      return Items as IndexEntry[];
    },
  };
}
