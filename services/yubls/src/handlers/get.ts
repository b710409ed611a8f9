import { httpHandler, ok } from '@yubl/lambda';
import { dynamoDbYublReader } from '../store';
import { getYubl } from '../yubls';

const store = dynamoDbYublReader(process.env.YUBLS_TABLE!);

export const handler = httpHandler(async ({ pathParameters }) => ok(await getYubl(store, pathParameters.id!)));
