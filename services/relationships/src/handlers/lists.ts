import { decodeCursor, encodeCursor, httpHandler, ok, pageLimit } from '@yubl/lambda';
import { isPositionOf, listPage, type Direction } from '../relationships';
import { dynamoDbRelationshipStore } from '../store';

const store = dynamoDbRelationshipStore(process.env.RELATIONSHIPS_TABLE!);

const listOf = (direction: Direction) =>
  httpHandler(async ({ pathParameters, query }) => {
    const userId = pathParameters.id!;
    const page = await listPage(store, userId, direction, pageLimit(query.limit), decodeCursor(query.cursor, isPositionOf(userId, direction)));
    return ok({ items: page.items, nextCursor: encodeCursor(page.next) });
  });

export const followers = listOf('followers');
export const following = listOf('following');
