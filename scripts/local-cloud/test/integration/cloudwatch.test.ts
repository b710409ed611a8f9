// The CloudWatch metrics stand-in on the shared AWS endpoint, spoken to by the real SDK v3 client
// (JSON 1.0, query-compatible errors): the endpoint in process on an ephemeral port, no local cloud.
import {
  CloudWatchClient,
  GetMetricDataCommand,
  InvalidParameterValueException,
  ListMetricsCommand,
  PutMetricDataCommand,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAwsEndpoint } from '../../src/emulators/aws-endpoint';
import { createCloudWatch } from '../../src/emulators/cloudwatch';

let server: Server;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  server = createAwsEndpoint({ cloudwatch: createCloudWatch(), log: () => {} } as any);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cloudwatch = new CloudWatchClient({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  cloudwatch.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const namespace = () => `yubl/test-${randomUUID()}`;
/** `minute(n)`: the start of the minute n minutes before the one the test began in (fixed, so a test that crosses a minute stays right). */
const minutesBefore = (start = Math.floor(Date.now() / 60_000) * 60_000) => (ago: number) => new Date(start - ago * 60_000);

describe('PutMetricData and GetMetricData', () => {
  it('aggregates Values/Counts into Sum, Average, SampleCount and p99 per period', async () => {
    const minute = minutesBefore();
    const Namespace = namespace();
    const Dimensions = [{ Name: 'function', Value: 'feed-add-to-feed' }];
    const datum = (at: Date, Values: number[], Counts: number[]): MetricDatum => ({ MetricName: 'duration', Dimensions, Timestamp: at, Values, Counts, Unit: 'Milliseconds' });
    await cloudwatch.send(new PutMetricDataCommand({
      Namespace,
      MetricData: [
        datum(new Date(minute(3).getTime() + 5_000), [10, 20, 500], [98, 1, 1]), // 100 samples: p99 is the 99th, 20
        datum(new Date(minute(3).getTime() + 40_000), [30], [100]), // same minute: now 200 samples, p99 is the 198th, 30
        datum(minute(1), [7], [4]),
      ],
    }));
    // another dimension value is another metric: it must not be counted in
    await cloudwatch.send(new PutMetricDataCommand({ Namespace, MetricData: [{ MetricName: 'duration', Dimensions: [{ Name: 'function', Value: 'other' }], Timestamp: minute(1), Value: 1e6 }] }));

    const query = (Stat: string) => ({ Id: Stat.replace('.', '_').toLowerCase(), MetricStat: { Metric: { Namespace, MetricName: 'duration', Dimensions }, Period: 60, Stat } });
    const { MetricDataResults = [] } = await cloudwatch.send(new GetMetricDataCommand({
      StartTime: minute(10), EndTime: new Date(), ScanBy: 'TimestampAscending',
      MetricDataQueries: ['Sum', 'Average', 'SampleCount', 'p99', 'Maximum'].map(query),
    }));
    const byId = Object.fromEntries(MetricDataResults.map((result) => [result.Id, result]));
    expect(byId.sum?.Timestamps).toEqual([minute(3), minute(1)]);
    expect(byId.sum?.Values).toEqual([98 * 10 + 20 + 500 + 3000, 28]);
    expect(byId.average?.Values).toEqual([(980 + 20 + 500 + 3000) / 200, 7]);
    expect(byId.samplecount?.Values).toEqual([200, 4]);
    expect(byId.p99?.Values).toEqual([30, 7]);
    expect(byId.maximum?.Values).toEqual([500, 7]);
    expect(byId.sum).toMatchObject({ Label: 'duration', StatusCode: 'Complete' });
  });

  it('answers newest first by default, buckets by the period asked for, and takes StatisticValues', async () => {
    const minute = minutesBefore();
    const Namespace = namespace();
    await cloudwatch.send(new PutMetricDataCommand({
      Namespace,
      MetricData: [
        { MetricName: 'fan-out', Timestamp: minute(4), StatisticValues: { SampleCount: 2, Sum: 10, Minimum: 4, Maximum: 6 } },
        { MetricName: 'fan-out', Timestamp: minute(3), Value: 20 },
        { MetricName: 'fan-out', Timestamp: minute(1), Value: 1 },
      ],
    }));
    const { MetricDataResults = [] } = await cloudwatch.send(new GetMetricDataCommand({
      StartTime: minute(4), EndTime: new Date(),
      MetricDataQueries: [{ Id: 'sum', MetricStat: { Metric: { Namespace, MetricName: 'fan-out' }, Period: 120, Stat: 'Sum' } }],
    }));
    expect(MetricDataResults[0]?.Timestamps).toEqual([minute(2), minute(4)]);
    expect(MetricDataResults[0]?.Values).toEqual([1, 30]);
  });

  it('refuses more than 1,000 datums a request with the SDK\'s typed InvalidParameterValueException, storing none', async () => {
    const Namespace = namespace();
    const datums = (count: number) => Array.from({ length: count }, (_, i) => ({ MetricName: 'lines', Dimensions: [{ Name: 'n', Value: String(i) }], Value: 1 }));
    const error = await cloudwatch.send(new PutMetricDataCommand({ Namespace, MetricData: datums(1001) })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect(error).toMatchObject({ message: expect.stringMatching(/must not have a size greater than 1000/), $metadata: { httpStatusCode: 400 } });
    // the query-era code and fault, which callers of a query-compatible service may read, ride in x-amzn-query-error
    expect(error).toMatchObject({ Error: { Code: 'InvalidParameterValue', Type: 'Sender' } });
    expect((await cloudwatch.send(new ListMetricsCommand({ Namespace }))).Metrics).toEqual([]);
    await cloudwatch.send(new PutMetricDataCommand({ Namespace, MetricData: datums(1000) }));
  });

  it('refuses more than 30 dimensions on a datum', async () => {
    const Dimensions = Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'x' }));
    await expect(cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace(), MetricData: [{ MetricName: 'm', Dimensions, Value: 1 }] }))).rejects.toBeInstanceOf(InvalidParameterValueException);
  });
});

describe('ListMetrics', () => {
  it('filters by dimension name or name and value, and pages 500 at a time', async () => {
    const Namespace = namespace();
    const MetricData = Array.from({ length: 501 }, (_, i) => ({ MetricName: 'requests', Dimensions: [{ Name: 'service', Value: i % 2 ? 'feed' : 'users' }, { Name: 'shard', Value: String(i) }], Value: 1 }));
    await cloudwatch.send(new PutMetricDataCommand({ Namespace, MetricData }));
    await cloudwatch.send(new PutMetricDataCommand({ Namespace, MetricData: [{ MetricName: 'requests', Value: 1 }] }));

    const first = await cloudwatch.send(new ListMetricsCommand({ Namespace, Dimensions: [{ Name: 'shard' }] }));
    expect(first.Metrics).toHaveLength(500);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await cloudwatch.send(new ListMetricsCommand({ Namespace, Dimensions: [{ Name: 'shard' }], NextToken: first.NextToken }));
    expect(second.Metrics).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();

    const feed = await cloudwatch.send(new ListMetricsCommand({ Namespace, MetricName: 'requests', Dimensions: [{ Name: 'service', Value: 'feed' }] }));
    expect(feed.Metrics).toHaveLength(250);
    expect(feed.Metrics?.[0]?.Dimensions).toEqual(expect.arrayContaining([{ Name: 'service', Value: 'feed' }]));
    expect((await cloudwatch.send(new ListMetricsCommand({ Namespace }))).Metrics).toHaveLength(500);
  });
});
