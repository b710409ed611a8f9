import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { putAll } from '@yubl/dynamodb';
import type { IndexEntry, SearchIndex } from './search';
import { sdkClientOptions } from '@yubl/aws';

export function dynamoDbSearchIndex(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions()))): SearchIndex {
  return {
    async put(entries) {
      await putAll(client, table, entries);
    },
    async prefix(bucket, prefix, limit) {
      const { Items = [] } = await client.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: '#b = :b AND begins_with(sk, :p)', ExpressionAttributeNames: { '#b': 'bucket' }, ExpressionAttributeValues: { ':b': bucket, ':p': prefix }, Limit: limit }),
      );
      return Items as IndexEntry[];
    },
  };
}
