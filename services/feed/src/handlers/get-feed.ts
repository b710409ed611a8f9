import { UnauthorizedError } from '@yubl/errors';
import { decodeCursor, encodeCursor, httpHandler, ok, pageLimit } from '@yubl/lambda';
import { isFeedPosition } from '../feed';
import { dynamoDbFeedStore } from '../store';

const store = dynamoDbFeedStore(process.env.FEEDS_TABLE!);

export const handler = httpHandler(async ({ principalId, query }) => {
  if (!principalId) throw new UnauthorizedError(); // the authorizer names the caller
  const userId = principalId;
  const page = await store.page(userId, pageLimit(query.limit), decodeCursor(query.cursor, isFeedPosition(userId)));
  return ok({ items: page.items, nextCursor: encodeCursor(page.next) });
});
