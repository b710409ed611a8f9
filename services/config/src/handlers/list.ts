import { httpHandler, ok } from '@yubl/lambda';
import { dynamoDbEntryStore } from '../dynamodb-store';
import { listEntries } from '../entries';

const store = dynamoDbEntryStore(process.env.CONFIG_TABLE!);

export const handler = httpHandler(async ({ pathParameters }) => ok({ items: await listEntries(store, pathParameters.service!) }));
