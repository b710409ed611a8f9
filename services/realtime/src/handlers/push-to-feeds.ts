import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import * as v from 'valibot';
import { sdkClientOptions } from '@yubl/aws';
import { forwardCorrelation } from '@yubl/correlation';
import { snsHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { iotPublisher } from '../iot-publisher';
import { Distribution, PUBLISH_TIMEOUT_MS, pushToFeeds } from '../push';

// pushToFeeds retries each publish itself, with its own bound: one retry policy, not two stacked;
// and its publishes wait as a fan-out's do (PUBLISH_TIMEOUT_MS), not as an API call's.
const client = new IoTDataPlaneClient(sdkClientOptions({ maxAttempts: 1, connectTimeoutMs: PUBLISH_TIMEOUT_MS, requestTimeoutMs: PUBLISH_TIMEOUT_MS }));
const publish = iotPublisher(forwardCorrelation(client), process.env.STAGE!);

export const handler = snsHandler(async (message) => {
  const distribution = v.parse(Distribution, message);
  const { published } = await pushToFeeds(distribution, publish);
  log.info('yubl pushed to apps', { yublId: distribution.yubl.id, published });
  count('realtime.pushed', published);
});
