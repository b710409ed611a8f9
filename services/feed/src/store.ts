import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedStore, Yubl } from './feed';

const BATCH = 25; // BatchWriteItem's limit
const MAX_ATTEMPTS = 8;

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 1_000) * (0.5 + Math.random() / 2)));

// One item per (user, yubl); yubl ids sort by time, so a feed read backwards is newest first, and
// writing the same yubl twice writes the same item.
export function dynamoDbFeedStore(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient({}))): FeedStore {
  async function writeBatch(requests: { PutRequest: { Item: Record<string, unknown> } }[]) {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`${pending.length} feed items still unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await pause(attempt);
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }

  return {
    async add(yubl, userIds) {
      const requests = [...new Set(userIds)].map((userId) => ({ PutRequest: { Item: { userId, yublId: yubl.id, yubl } } }));
      const batches = [];
      for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
      await Promise.all(batches.map(writeBatch));
    },
    async page(userId, limit, start) {
      const { Items = [] } = await client.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': userId }, ScanIndexForward: false, Limit: limit + 1, ExclusiveStartKey: start }),
      );
      const items = Items.slice(0, limit);
      const last = items.at(-1);
      return { items: items.map((item) => item.yubl as Yubl), next: Items.length > limit && last ? { userId, yublId: last.yublId } : undefined };
    },
    async get(userId, yublId) {
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { userId, yublId } }));
      return Item?.yubl as Yubl | undefined;
    },
  };
}
