import { bearerVerifier } from '@yubl/auth';
import { httpHandler, ok } from '@yubl/lambda';
import { accountOf } from '../accounts';
import { dynamoDbAccountReader } from '../store';

const store = dynamoDbAccountReader(process.env.ACCOUNTS_TABLE!);
const bearer = bearerVerifier();

export const handler = httpHandler(async ({ headers, pathParameters }) => ok(await accountOf(store, await bearer.userId(headers.authorization), pathParameters.userId!)));
