import { UnauthorizedError } from '@yubl/errors';
import { httpHandler, ok } from '@yubl/lambda';
import { getFeedYubl } from '../feed';
import { dynamoDbFeedStore } from '../store';

const store = dynamoDbFeedStore(process.env.FEEDS_TABLE!);

export const handler = httpHandler(async ({ principalId, pathParameters }) => {
  if (!principalId) throw new UnauthorizedError(); // the authorizer names the caller
  return ok(await getFeedYubl(store, principalId, pathParameters.id!));
});
