import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import * as v from 'valibot';
import { forwardCorrelation } from '@yubl/correlation';
import { asEnvelope } from '@yubl/events';
import { kinesisHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { distribute, YublSchema, type Distribution } from '../feed';
import { followersOverHttp } from '../followers-client';
import { dynamoDbPublishedPages } from '../store';
import { sdkClientOptions } from '@yubl/aws';

const sns = forwardCorrelation(new SNSClient(sdkClientOptions()));
const topicArn = process.env.FEED_DISTRIBUTION_TOPIC_ARN!;
const followers = followersOverHttp(process.env.API_BASE_URL!);
const published = dynamoDbPublishedPages(process.env.DISTRIBUTIONS_TABLE!);
const send = async (batch: Distribution) => {
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(batch) }));
};

export const handler = kinesisHandler(async (data) => {
  const event = asEnvelope(data);
  if (event?.type !== 'yubl-posted') return; // other events of the stream are not ours
  const parsed = v.safeParse(v.object({ yubl: YublSchema }), event.data);
  if (!parsed.success) {
    log.error('a yubl-posted event without a valid yubl was skipped', { eventId: event.id });
    return;
  }
  const { yubl } = parsed.output;
  const { recipients, pagesSkipped } = await distribute(event.id, yubl, { followers, published, send });
  log.info('yubl distributed', { yublId: yubl.id, eventId: event.id, recipients, pagesSkipped });
  count('feed.distributed', recipients);
});
