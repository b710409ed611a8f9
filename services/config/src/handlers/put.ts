import * as v from 'valibot';
import { httpHandler, ok, validateBody } from '@yubl/lambda';
import { requireAdminKey } from '../admin-key';
import { dynamoDbEntryStore } from '../dynamodb-store';
import { putEntry } from '../entries';

const store = dynamoDbEntryStore(process.env.CONFIG_TABLE!);

const Body = v.object({
  value: v.pipe(v.string(), v.minLength(1), v.maxLength(32_768)),
  encrypted: v.boolean(),
  expectedVersion: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

// The key is checked before the body: a caller without the admin key learns nothing more than 403.
export const handler = httpHandler(async ({ pathParameters, headers, body }) => {
  requireAdminKey(headers['x-api-key'], process.env.ADMIN_API_KEY_SHA256);
  return ok(await putEntry(store, pathParameters.service!, pathParameters.key!, await validateBody(Body, body)));
});
