import { bearerVerifier } from '@yubl/auth';
import { dynamoDbOutbox } from '@yubl/events';
import { httpHandler, noContent } from '@yubl/lambda';
import { follow } from '../relationships';
import { dynamoDbRelationshipStore } from '../store';
import { usersOverHttp } from '../users-client';

const store = dynamoDbRelationshipStore(process.env.RELATIONSHIPS_TABLE!, dynamoDbOutbox({ table: process.env.OUTBOX_TABLE! }), process.env.USERS_STREAM!);
const users = usersOverHttp(process.env.API_BASE_URL!);
const bearer = bearerVerifier();

export const handler = httpHandler(async ({ headers, pathParameters }) => {
  const caller = await bearer.userId(headers.authorization);
  const { id, targetId } = pathParameters as { id: string; targetId: string };
  await follow(store, users, caller, id, targetId);
  return noContent();
});
