import { bearerVerifier } from '@yubl/auth';
import { envelope, kinesisPublisher } from '@yubl/events';
import { httpHandler, noContent } from '@yubl/lambda';
import { unfollow } from '../relationships';
import { dynamoDbRelationshipStore } from '../store';

const store = dynamoDbRelationshipStore(process.env.RELATIONSHIPS_TABLE!);
const bearer = bearerVerifier();
const events = kinesisPublisher(process.env.USERS_STREAM!);

export const handler = httpHandler(async ({ headers, pathParameters }) => {
  const caller = await bearer.userId(headers.authorization);
  const { id, targetId } = pathParameters as { id: string; targetId: string };
  if (await unfollow(store, caller, id, targetId)) {
    await events.publish(id, envelope('user-unfollowed', { followerId: id, followeeId: targetId, at: new Date().toISOString() }));
  }
  return noContent();
});
