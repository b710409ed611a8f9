import { bearerVerifier } from '@yubl/auth';
import { envelope, kinesisPublisher } from '@yubl/events';
import { httpHandler, noContent } from '@yubl/lambda';
import { follow } from '../relationships';
import { dynamoDbRelationshipStore } from '../store';
import { usersOverHttp } from '../users-client';

const store = dynamoDbRelationshipStore(process.env.RELATIONSHIPS_TABLE!);
const users = usersOverHttp(process.env.API_BASE_URL!);
const bearer = bearerVerifier();
const events = kinesisPublisher(process.env.USERS_STREAM!);

export const handler = httpHandler(async ({ headers, pathParameters }) => {
  const caller = await bearer.userId(headers.authorization);
  const { id, targetId } = pathParameters as { id: string; targetId: string };
  const at = new Date();
  if (await follow(store, users, caller, id, targetId, at)) {
    await events.publish(id, envelope('user-followed', { followerId: id, followeeId: targetId, at: at.toISOString() }));
  }
  return noContent();
});
