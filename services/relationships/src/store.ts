import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Direction, RelationshipStore } from './relationships';

// Two items a follow, one on each side: (follower, following#target) and (target, follower#follower),
// so that both lists are one Query. The follower's side is written conditionally: it says whether
// the follow is new.
export function dynamoDbRelationshipStore(table: string, client = DynamoDBDocumentClient.from(new DynamoDBClient({}))): RelationshipStore {
  return {
    async follow(followerId, targetId, since) {
      let created = true;
      try {
        await client.send(new PutCommand({ TableName: table, Item: { userId: followerId, sk: `following#${targetId}`, since }, ConditionExpression: 'attribute_not_exists(sk)' }));
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        created = false;
      }
      // Always (re)written, so that a retry after a failure here completes the pair.
      await client.send(new PutCommand({ TableName: table, Item: { userId: targetId, sk: `follower#${followerId}`, since }, ConditionExpression: 'attribute_not_exists(sk) OR since = :since', ExpressionAttributeValues: { ':since': since } })).catch((error) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
      return created;
    },
    async unfollow(followerId, targetId) {
      const { Attributes } = await client.send(new DeleteCommand({ TableName: table, Key: { userId: followerId, sk: `following#${targetId}` }, ReturnValues: 'ALL_OLD' }));
      await client.send(new DeleteCommand({ TableName: table, Key: { userId: targetId, sk: `follower#${followerId}` } }));
      return Attributes !== undefined;
    },
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
