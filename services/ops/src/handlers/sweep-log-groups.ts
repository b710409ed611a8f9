import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { invokeHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { logGroups, subscriptionPorts } from '../adapters/cloudwatch-logs';
import { subscriptionSettings } from '../settings';
import { subscribeGroup, type Outcome } from '../subscriptions';
import { sdkClientOptions } from '@yubl/aws';

const settings = subscriptionSettings(process.env);
const client = new CloudWatchLogsClient(sdkClientOptions());
const ports = subscriptionPorts(settings.filterName, settings.destinationArn, client);

export const handler = invokeHandler(async () => {
  const counts: Partial<Record<Outcome['outcome'], number>> = {};
  for await (const group of logGroups('/aws/lambda/', client)) {
    const outcome = await subscribeGroup(group, settings, ports);
    counts[outcome.outcome] = (counts[outcome.outcome] ?? 0) + 1;
    // One line for each group left alone, so that someone can see why it ships nothing.
    if (outcome.outcome === 'left alone') log.warn('log group left alone', { ...outcome });
  }
  log.info('log groups swept', counts);
  return counts;
});
