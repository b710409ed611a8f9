import { httpHandler, ok } from '@yubl/lambda';
import { dynamoDbYublStore } from '../store';
import { getYubl } from '../yubls';

const store = dynamoDbYublStore(process.env.YUBLS_TABLE!);

export const handler = httpHandler(async ({ pathParameters }) => ok(await getYubl(store, pathParameters.id!)));
