import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import * as v from 'valibot';
import { forwardCorrelation } from '@yubl/correlation';
import { snsHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { AccountRequest, type AccountResult } from '../accounts';
import { partnerOverHttp } from '../partner-client';
import { CONFIG, partnerConfig } from '../settings';
import { dynamoDbAccountReader } from '../store';
import { makePayload } from '../validation-payload';
import { createAtPartner } from '../worker';

const sns = forwardCorrelation(new SNSClient({}));
const config = partnerConfig([CONFIG.signingKey, CONFIG.apiUrl, CONFIG.apiKey]);
const store = dynamoDbAccountReader(process.env.ACCOUNTS_TABLE!);
const partner = partnerOverHttp(async () => ({ url: await config.get(CONFIG.apiUrl), apiKey: await config.get(CONFIG.apiKey) }), Number(process.env.PARTNER_TIMEOUT_MS ?? 3_000));
const publish = async (result: AccountResult) => {
  await sns.send(new PublishCommand({ TopicArn: process.env.RESULTS_TOPIC_ARN!, Message: JSON.stringify(result) }));
};
const payloadFor = async (userId: string) => makePayload(userId, await config.get(CONFIG.signingKey));

// A message that is no account request throws: Lambda retries it, then it waits in the on-failure queue.
export const handler = snsHandler(async (message, info) => {
  const request = v.parse(AccountRequest, message);
  const outcome = await createAtPartner({ store, payloadFor, partner, publish, remainingMs: info.remainingTimeMs }, request);
  if ('alreadyCreated' in outcome) {
    log.info('partner account already created: the request was redelivered', { userId: request.userId });
    return;
  }
  const { published, attempts } = outcome;
  log.info(`partner account ${published.status}`, { userId: request.userId, attempts, ...(published.status === 'failed' ? { reason: published.reason } : { partnerAccountId: published.partnerAccountId }) });
  count('partner.account.calls', attempts, { outcome: published.status });
});
