import * as v from 'valibot';
import { snsHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { iotPublisher, pushClient } from '../iot-publisher';
import { Distribution, pushToFeeds } from '../push';

const publish = iotPublisher(pushClient(), process.env.STAGE!);

export const handler = snsHandler(async (message) => {
  const distribution = v.parse(Distribution, message);
  const { published } = await pushToFeeds(distribution, publish);
  log.info('yubl pushed to apps', { yublId: distribution.yubl.id, published });
  count('realtime.pushed', published);
});
