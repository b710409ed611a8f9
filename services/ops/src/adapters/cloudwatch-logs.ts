import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  LimitExceededException,
  PutRetentionPolicyCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogGroupState, SubscriptionPorts } from '../subscriptions';

export function subscriptionPorts(filterName: string, destinationArn: string, client: CloudWatchLogsClient): SubscriptionPorts {
  return {
    filtersOf: async (logGroupName) => {
      const { subscriptionFilters = [] } = await client.send(new DescribeSubscriptionFiltersCommand({ logGroupName }));
      return subscriptionFilters.map((filter) => ({ filterName: filter.filterName ?? '', destinationArn: filter.destinationArn }));
    },
    putFilter: async (logGroupName) => {
      try {
        // An empty pattern: every line.
        await client.send(new PutSubscriptionFilterCommand({ logGroupName, filterName, filterPattern: '', destinationArn }));
        return 'ok';
      } catch (error) {
        // by name as well: an emulator's error may not deserialize to the SDK's class
        if (error instanceof LimitExceededException || (error as Error).name === 'LimitExceededException') return 'limit-exceeded';
        throw error;
      }
    },
    putRetention: async (logGroupName, retentionInDays) => {
      await client.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
    },
  };
}

/** Every log group under the prefix, page by page. */
export async function* logGroups(prefix: string, client: CloudWatchLogsClient): AsyncGenerator<Omit<LogGroupState, 'filters'>> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }));
    for (const group of page.logGroups ?? []) if (group.logGroupName) yield { logGroupName: group.logGroupName, retentionInDays: group.retentionInDays };
    nextToken = page.nextToken;
  } while (nextToken);
}
