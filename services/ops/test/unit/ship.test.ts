import { gzipSync } from 'node:zlib';
import type { StoredDocument } from '../../src/documents';
import type { IndexingResult } from '../../src/indexing';
import type { MetricDatum } from '../../src/metric-data';
import { shipPayload } from '../../src/ship';
import { decodeSubscriptionEvent, type SubscriptionPayload } from '../../src/subscription-payload';

const minute = 1796108400;
const payload = (over: Partial<SubscriptionPayload> = {}): SubscriptionPayload => ({
  messageType: 'DATA_MESSAGE',
  owner: '123456789012',
  logGroup: '/aws/lambda/feed-dev-add-to-feed',
  logStream: '2026/12/01/[$LATEST]abc',
  subscriptionFilters: ['ops-ship-logs'],
  logEvents: [
    { id: 'e1', timestamp: minute * 1000, message: '{"level":"info","message":"added"}' },
    { id: 'e2', timestamp: minute * 1000, message: `MONITORING|${minute}|25|count|feed_items_written|function=feed-dev-add-to-feed` },
    { id: 'e3', timestamp: minute * 1000, message: `MONITORING|${minute + 5}|25|count|feed_items_written|function=feed-dev-add-to-feed` },
    { id: 'e4', timestamp: minute * 1000, message: 'REPORT RequestId: r1 Duration: 10.00 ms Billed Duration: 10 ms Memory Size: 512 MB Max Memory Used: 90 MB Init Duration: 120.00 ms' },
    { id: 'e5', timestamp: minute * 1000, message: '{"broken' },
  ],
  ...over,
});

function fakes(failIds: string[] = [], metricsFail = false) {
  const indexed: StoredDocument[] = [];
  const deadLetters: string[] = [];
  const metricRequests: MetricDatum[][] = [];
  return {
    indexed,
    deadLetters,
    metricRequests,
    ports: {
      index: async (documents: StoredDocument[]): Promise<IndexingResult> => {
        indexed.push(...documents);
        const failed = documents.filter((d) => failIds.includes(d.id)).map((document) => ({ document, status: 400, reason: 'mapper_parsing_exception' }));
        return { stored: documents.length - failed.length, retried: 0, failed };
      },
      deadLetter: async (body: string) => void deadLetters.push(body),
      putMetricData: async (data: MetricDatum[]) => {
        metricRequests.push(data);
        if (metricsFail) throw new Error('Throttling');
      },
    },
  };
}

describe('shipping a payload', () => {
  it('acknowledges a control message and ships nothing', async () => {
    const f = fakes();
    const summary = await shipPayload(payload({ messageType: 'CONTROL_MESSAGE', logGroup: '', logEvents: [{ id: '1', timestamp: 0, message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda.' }] }), 'dev', f.ports);
    expect(summary).toMatchObject({ messageType: 'CONTROL_MESSAGE', stored: 0 });
    expect([f.indexed.length, f.metricRequests.length]).toEqual([0, 0]);
  });

  it('indexes every line, the malformed one as text, under the log event ids', async () => {
    const f = fakes();
    const summary = await shipPayload(payload(), 'dev', f.ports);
    expect(f.indexed.map((d) => d.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(f.indexed[4]!.document).toMatchObject({ message: '{"broken', function: 'feed-dev-add-to-feed' });
    expect(summary).toEqual({ messageType: 'DATA_MESSAGE', logGroup: '/aws/lambda/feed-dev-add-to-feed', events: 5, stored: 5, retried: 0, deadLettered: 0, metricData: 3, metricRequestsFailed: 0 });
  });

  it("publishes metric lines aggregated per minute, and REPORT's Duration and ColdStart", async () => {
    const f = fakes();
    await shipPayload(payload(), 'dev', f.ports);
    expect(f.metricRequests).toHaveLength(1);
    expect(f.metricRequests[0]!.map((d) => [d.MetricName, d.Values, d.Counts, d.Dimensions])).toEqual([
      ['feed_items_written', [25], [2], [{ Name: 'function', Value: 'feed-dev-add-to-feed' }]],
      ['Duration', [10], [1], [{ Name: 'function', Value: 'feed-dev-add-to-feed' }]],
      ['ColdStart', [1], [1], [{ Name: 'function', Value: 'feed-dev-add-to-feed' }]],
    ]);
  });

  it('dead-letters what the store refused', async () => {
    const f = fakes(['e1']);
    expect((await shipPayload(payload(), 'dev', f.ports)).deadLettered).toBe(1);
    expect(f.deadLetters.map((body) => JSON.parse(body).documents.map((d: { _id: string }) => d._id))).toEqual([['e1']]);
  });

  it('counts failed metric requests instead of throwing, after indexing', async () => {
    const f = fakes([], true);
    expect((await shipPayload(payload(), 'dev', f.ports)).metricRequestsFailed).toBe(1);
    expect(f.indexed).toHaveLength(5);
  });

  it('reads the subscription event as CloudWatch Logs sends it (base64 of gzip of JSON)', () => {
    const sent = payload();
    expect(decodeSubscriptionEvent({ awslogs: { data: gzipSync(JSON.stringify(sent)).toString('base64') } })).toEqual(sent);
  });
});
