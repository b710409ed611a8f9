import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { failedConditions, type Outbox } from '@yubl/events';
import type { Direction, RelationshipPages, RelationshipStore } from './relationships';
import { sdkClientOptions } from '@yubl/aws';

/** The lists alone, for the functions that only read. */
export function dynamoDbRelationshipPages(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions()))): RelationshipPages {
  return {
    async page(userId, direction: Direction, limit, start) {
      const prefix = direction === 'followers' ? 'follower#' : 'following#';
      // One more than asked: whether there is a next page is known now, not one empty page later.
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'userId = :u AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':u': userId, ':p': prefix },
          Limit: limit + 1,
          ExclusiveStartKey: start,
        }),
      );
      const items = Items.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((item) => ({ userId: String(item.sk).slice(prefix.length), since: item.since as string })),
        next: Items.length > limit && last ? { userId, sk: last.sk } : undefined,
      };
    },
  };
}

// Two items a follow, one on each side: (follower, following#target) and (target, follower#follower),
// so that both lists are one Query. Both sides and the event (the outbox, partitioned by the
// follower's id) are one transaction; the follower's side is conditional: it says whether the
// change is new, and a change that is not stores nothing.
export function dynamoDbRelationshipStore(table: string, outbox: Outbox, stream: string, client = DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientOptions()))): RelationshipStore {
  const changed = async (commit: Promise<void>) => {
    try {
      await commit;
      return true;
    } catch (error) {
      if (failedConditions(error)?.includes(0)) return false;
      throw error;
    }
  };
  return {
    follow: (followerId, targetId, since, followed) =>
      changed(
        outbox.commit(
          [
            { Put: { TableName: table, Item: { userId: followerId, sk: `following#${targetId}`, since }, ConditionExpression: 'attribute_not_exists(sk)' } },
            { Put: { TableName: table, Item: { userId: targetId, sk: `follower#${followerId}`, since } } },
          ],
          [{ stream, partitionKey: followerId, event: followed }],
        ),
      ),
    unfollow: (followerId, targetId, unfollowed) =>
      changed(
        outbox.commit(
          [
            { Delete: { TableName: table, Key: { userId: followerId, sk: `following#${targetId}` }, ConditionExpression: 'attribute_exists(sk)' } },
            { Delete: { TableName: table, Key: { userId: targetId, sk: `follower#${followerId}` } } },
          ],
          [{ stream, partitionKey: followerId, event: unfollowed }],
        ),
      ),
    ...dynamoDbRelationshipPages(table, client),
  };
}
