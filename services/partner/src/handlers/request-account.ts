import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import * as v from 'valibot';
import { forwardCorrelation } from '@yubl/correlation';
import { asEnvelope, dynamoDbOutbox } from '@yubl/events';
import { kinesisHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { JoinedUser, requestAccount, type AccountRequest } from '../accounts';
import { CONFIG, enrolmentOf, partnerConfig } from '../settings';
import { dynamoDbAccountStore } from '../store';

const sns = forwardCorrelation(new SNSClient({}));
const config = partnerConfig([CONFIG.enrolment]);
const store = dynamoDbAccountStore(process.env.ACCOUNTS_TABLE!, dynamoDbOutbox({ table: process.env.OUTBOX_TABLE! }), process.env.USERS_STREAM!);
const parts = {
  store,
  enrolment: async () => enrolmentOf(await config.get(CONFIG.enrolment)),
  publish: async (request: AccountRequest) => {
    await sns.send(new PublishCommand({ TopicArn: process.env.REQUESTS_TOPIC_ARN!, Message: JSON.stringify(request) }));
  },
};

export const handler = kinesisHandler(async (data) => {
  const event = asEnvelope(data);
  if (event?.type !== 'user-joined') return; // follows, unfollows and our own partner-account-created share the stream
  const parsed = v.safeParse(JoinedUser, event.data);
  if (!parsed.success) {
    log.error('a user-joined event without a valid user was skipped', { eventId: event.id });
    return;
  }
  const { user } = parsed.output;
  const outcome = await requestAccount(parts, user);
  log.info(outcome === 'skipped' ? 'partner account skipped: enrolment is off' : `partner account ${outcome}`, { userId: user.id, eventId: event.id, outcome });
  count('partner.account.requests', 1, { outcome });
});
