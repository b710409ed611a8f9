import { httpHandler, ok } from '@yubl/lambda';
import { getFeedYubl } from '../feed';
import { dynamoDbFeedStore } from '../store';

const store = dynamoDbFeedStore(process.env.FEEDS_TABLE!);

export const handler = httpHandler(async ({ principalId, pathParameters }) => ok(await getFeedYubl(store, principalId!, pathParameters.id!)));
