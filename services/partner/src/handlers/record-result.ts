import * as v from 'valibot';
import { dynamoDbOutbox } from '@yubl/events';
import { snsHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { AccountResult, recordResult } from '../accounts';
import { dynamoDbAccountStore } from '../store';

const store = dynamoDbAccountStore(process.env.ACCOUNTS_TABLE!, dynamoDbOutbox({ table: process.env.OUTBOX_TABLE! }), process.env.USERS_STREAM!);

// The line's field is accountStatus: `status` is the wrappers' HTTP status (a number) in the log store's mapping.
export const handler = snsHandler(async (message) => {
  const result = v.parse(AccountResult, message);
  const stored = await recordResult(store, result);
  log.info(stored ? `partner account stored as ${result.status}` : 'partner account already created: the result changed nothing', { userId: result.userId, accountStatus: result.status });
  if (stored) count('partner.account.results', 1, { status: result.status });
});
