import * as v from 'valibot';
import { snsHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { Distribution } from '../feed';
import { dynamoDbFeedStore } from '../store';

const store = dynamoDbFeedStore(process.env.FEEDS_TABLE!);

export const handler = snsHandler(async (message) => {
  const { yubl, followerIds } = v.parse(Distribution, message);
  await store.add(yubl, followerIds);
  log.info('yubl added to feeds', { yublId: yubl.id, feeds: followerIds.length });
  count('feed.items.written', followerIds.length);
});
