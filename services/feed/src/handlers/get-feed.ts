import { decodeCursor, encodeCursor, httpHandler, ok, pageLimit } from '@yubl/lambda';
import { isFeedPosition } from '../feed';
import { dynamoDbFeedStore } from '../store';

const store = dynamoDbFeedStore(process.env.FEEDS_TABLE!);

export const handler = httpHandler(async ({ principalId, query }) => {
  const userId = principalId!; // the authorizer's
  const page = await store.page(userId, pageLimit(query.limit), decodeCursor(query.cursor, isFeedPosition(userId)));
  return ok({ items: page.items, nextCursor: encodeCursor(page.next) });
});
