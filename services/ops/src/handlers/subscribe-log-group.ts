import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EventBridgeEvent } from 'aws-lambda';
import { invokeHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { subscriptionPorts } from '../adapters/cloudwatch-logs';
import { subscriptionSettings } from '../settings';
import { subscribeGroup } from '../subscriptions';
import { sdkClientOptions } from '@yubl/aws';

const settings = subscriptionSettings(process.env);
const ports = subscriptionPorts(settings.filterName, settings.destinationArn, new CloudWatchLogsClient(sdkClientOptions()));

type CreateLogGroupCall = EventBridgeEvent<'AWS API Call via CloudTrail', { eventName?: string; requestParameters?: { logGroupName?: string } }>;

export const handler = invokeHandler<CreateLogGroupCall>(async (event) => {
  const logGroupName = event.detail?.requestParameters?.logGroupName;
  if (event.detail?.eventName !== 'CreateLogGroup' || !logGroupName) return;
  const outcome = await subscribeGroup({ logGroupName }, settings, ports);
  if (outcome.outcome !== 'ignored') log.info(`log group ${outcome.outcome}`, { ...outcome });
});
