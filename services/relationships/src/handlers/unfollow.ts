import { bearerVerifier } from '@yubl/auth';
import { dynamoDbOutbox } from '@yubl/events';
import { httpHandler, noContent } from '@yubl/lambda';
import { unfollow } from '../relationships';
import { dynamoDbRelationshipStore } from '../store';

const store = dynamoDbRelationshipStore(process.env.RELATIONSHIPS_TABLE!, dynamoDbOutbox({ table: process.env.OUTBOX_TABLE! }), process.env.USERS_STREAM!);
const bearer = bearerVerifier();

export const handler = httpHandler(async ({ headers, pathParameters }) => {
  const caller = await bearer.userId(headers.authorization);
  const { id, targetId } = pathParameters as { id: string; targetId: string };
  await unfollow(store, caller, id, targetId);
  return noContent();
});
