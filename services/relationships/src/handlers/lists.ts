import { decodeCursor, encodeCursor, httpHandler, ok, pageLimit } from '@yubl/lambda';
import { isPositionOf, listPage, MAX_PAGE, type Direction } from '../relationships';
import { dynamoDbRelationshipPages } from '../store';
import { usersOverHttp } from '../users-client';

const store = dynamoDbRelationshipPages(process.env.RELATIONSHIPS_TABLE!);
const users = usersOverHttp(process.env.API_BASE_URL!);

const listOf = (direction: Direction) =>
  httpHandler(async ({ pathParameters, query }) => {
    const userId = pathParameters.id!;
    const limit = pageLimit(query.limit, { max: MAX_PAGE[direction] });
    const page = await listPage(store, users, userId, direction, limit, decodeCursor(query.cursor, isPositionOf(userId, direction)));
    return ok({ items: page.items, nextCursor: encodeCursor(page.next) });
  });

export const followers = listOf('followers');
export const following = listOf('following');
