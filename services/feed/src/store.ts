import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { putAllMarshalled } from '@yubl/dynamodb';
import type { FeedStore, PublishedPages, Yubl } from './feed';
import { sdkClientOptions } from '@yubl/aws';

// A record of a published page outlives every redelivery of its event: the yubls stream keeps a
// record 24 h, and the outbox relay republishes within minutes. DynamoDB's TTL then removes it.
const PUBLISHED_PAGE_LIFETIME_SECONDS = 7 * 24 * 3600;

// One item per (user, yubl); yubl ids sort by time, so a feed read backwards is newest first, and
// writing the same yubl twice writes the same item. A fan-out writes one yubl to up to 1,000 feeds
// a call: the yubl is marshalled once and shared by every item, and the items go through the
// low-level client with its middleware stack cached (`writer`), which the document client refuses
// (issue 13: a third less of add-to-feed's CPU per item). Reads go through the document client.
export function dynamoDbFeedStore(
  table: string,
  client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions())),
  writer?: Pick<DynamoDBClient, 'send'>,
): FeedStore {
  let itemWriter = writer; // made on the first write: the read handlers never need one
  return {
    async add(yubl, userIds) {
      itemWriter ??= new DynamoDBClient({ ...sdkClientOptions(), cacheMiddleware: true });
      const yublAttribute = { M: marshall(yubl) };
      const yublId = { S: yubl.id };
      await putAllMarshalled(itemWriter, table, [...new Set(userIds)].map((userId) => ({ userId: { S: userId }, yublId, yubl: yublAttribute })));
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

// One item per published page: (event id, page number). A redelivery reads the event's partition
// once, strongly consistent, so that a page recorded just before a crash is seen.
export function dynamoDbPublishedPages(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions()))): PublishedPages {
  return {
    async of(eventId) {
      const pages = new Set<number>();
      let start: Record<string, unknown> | undefined;
      do {
        const { Items = [], LastEvaluatedKey } = await client.send(
          new QueryCommand({ TableName: table, KeyConditionExpression: 'eventId = :e', ExpressionAttributeValues: { ':e': eventId }, ProjectionExpression: '#p', ExpressionAttributeNames: { '#p': 'page' }, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        for (const item of Items) pages.add(item.page as number);
        start = LastEvaluatedKey;
      } while (start);
      return pages;
    },
    async record(eventId, page) {
      const now = Date.now();
      try {
        // The first record stands: its publishedAt says when the page first went out.
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { eventId, page, publishedAt: new Date(now).toISOString(), expiresAt: Math.floor(now / 1000) + PUBLISHED_PAGE_LIFETIME_SECONDS },
            ConditionExpression: 'attribute_not_exists(eventId)',
          }),
        );
      } catch (error) {
        // A concurrent delivery of the same event published and recorded this page too.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
