import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricDatum } from '../metric-data';
import { sdkClientOptions } from '@yubl/aws';

/** PutMetricData into the stage's namespace (AWS_ENDPOINT_URL_CLOUDWATCH points the SDK at a stand-in). */
export function metricPublisher(namespace: string, client = new CloudWatchClient(sdkClientOptions())) {
  return async (data: MetricDatum[]): Promise<void> => {
    await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
  };
}
