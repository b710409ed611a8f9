import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import * as v from 'valibot';
import { sdkClientOptions } from '@yubl/aws';
import { forwardCorrelation } from '@yubl/correlation';
import { snsHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { iotPublisher } from '../iot-publisher';
import { Distribution, pushToFeeds } from '../push';

// pushToFeeds retries each publish itself, with its own bound: one retry policy, not two stacked.
const publish = iotPublisher(forwardCorrelation(new IoTDataPlaneClient(sdkClientOptions({ maxAttempts: 1 }))), process.env.STAGE!);

export const handler = snsHandler(async (message) => {
  const distribution = v.parse(Distribution, message);
  const { published } = await pushToFeeds(distribution, publish);
  log.info('yubl pushed to apps', { yublId: distribution.yubl.id, published });
  count('realtime.pushed', published);
});
