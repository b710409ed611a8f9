import { invokeHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { metricPublisher } from '../adapters/cloudwatch';
import { deadLetterQueue } from '../adapters/sqs';
import { storeIndexer } from '../adapters/store';
import { metricsNamespace, shippingSettings } from '../settings';
import { shipPayload } from '../ship';
import { decodeSubscriptionEvent, type SubscriptionEvent } from '../subscription-payload';

const settings = shippingSettings(process.env);
const index = storeIndexer(settings);
const queue = deadLetterQueue(settings.deadLetterQueueUrl);
const putMetricData = metricPublisher(metricsNamespace(settings.stage));

export const handler = invokeHandler<SubscriptionEvent>(async (event, context) => {
  const timeLeftMs = () => context.getRemainingTimeInMillis() - settings.marginMs;
  const summary = await shipPayload(decodeSubscriptionEvent(event), settings.stage, { index: (documents) => index(documents, timeLeftMs), deadLetter: queue.send, putMetricData });
  // One line a batch, never one a shipped line.
  log.info('log events shipped', { ...summary });
  // Lambda retries the payload: the documents land under the same ids, the metrics go again.
  if (summary.metricRequestsFailed > 0) throw new Error(`${summary.metricRequestsFailed} PutMetricData request(s) failed`);
});
