import * as v from 'valibot';
import { asEnvelope } from '@yubl/events';
import { kinesisHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { indexUser, UserSchema } from '../search';
import { dynamoDbSearchIndex } from '../store';

const index = dynamoDbSearchIndex(process.env.SEARCH_TABLE!);

export const handler = kinesisHandler(async (data) => {
  const event = asEnvelope(data);
  if (event?.type !== 'user-joined') return; // follows and unfollows share the stream
  const parsed = v.safeParse(v.object({ user: UserSchema }), event.data);
  if (!parsed.success) {
    log.error('a user-joined event without a valid user was skipped', { eventId: event.id });
    return;
  }
  await indexUser(index, parsed.output.user);
  log.info('user indexed', { userId: parsed.output.user.id });
});
