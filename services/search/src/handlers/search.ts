import { httpHandler, ok } from '@yubl/lambda';
import { searchUsers } from '../search';
import { dynamoDbSearchIndex } from '../store';

const index = dynamoDbSearchIndex(process.env.SEARCH_TABLE!);

export const handler = httpHandler(async ({ query }) => ok({ items: await searchUsers(index, query.q) }));
