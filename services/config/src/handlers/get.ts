import { httpHandler, ok } from '@yubl/lambda';
import { dynamoDbEntryStore } from '../dynamodb-store';
import { getEntry } from '../entries';

const store = dynamoDbEntryStore(process.env.CONFIG_TABLE!);

export const handler = httpHandler(async ({ pathParameters }) => ok(await getEntry(store, pathParameters.service!, pathParameters.key!)));
