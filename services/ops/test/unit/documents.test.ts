import { parseLogLine } from '../../src/log-lines';
import { functionOfGroup, indexName, toDocument } from '../../src/documents';

const source = { stage: 'dev', logGroup: '/aws/lambda/feed-dev-get-feed', logStream: '2026/12/01/[$LATEST]abc' };
const at = Date.UTC(2026, 11, 1, 23, 59, 59, 999);

describe('a document', () => {
  it('goes to the index of its stage and UTC day', () => {
    expect(indexName('dev', at)).toBe('logs-dev-2026.12.01');
    expect(indexName('prod', at + 1)).toBe('logs-prod-2026.12.02');
  });

  it("names the function from its group, and any other group by the group's name", () => {
    expect(functionOfGroup('/aws/lambda/feed-dev-get-feed')).toBe('feed-dev-get-feed');
    expect(functionOfGroup('/ecs/thing')).toBe('/ecs/thing');
  });

  it("is the line's own fields plus @timestamp, logGroup, logStream and function, under the event's id", () => {
    const event = { id: '3761', timestamp: at, message: '{"level":"info","message":"hi","x-correlation-id":"c1"}' };
    expect(toDocument(event, parseLogLine(event.message), source)).toEqual({
      index: 'logs-dev-2026.12.01',
      id: '3761',
      document: {
        level: 'info',
        message: 'hi',
        'x-correlation-id': 'c1',
        '@timestamp': '2026-12-01T23:59:59.999Z',
        logGroup: source.logGroup,
        logStream: source.logStream,
        function: 'feed-dev-get-feed',
      },
    });
  });

  it('of a plain, REPORT or metric line keeps the line as its message', () => {
    const doc = (message: string) => toDocument({ id: '1', timestamp: at, message }, parseLogLine(message), source).document;
    expect(doc('something odd')).toMatchObject({ message: 'something odd', function: 'feed-dev-get-feed' });
    expect(doc('REPORT RequestId: r1 Duration: 1.00 ms Billed Duration: 1 ms Memory Size: 128 MB Max Memory Used: 60 MB')).toMatchObject({
      type: 'REPORT',
      awsRequestId: 'r1',
      report: { durationMs: 1 },
    });
    expect(doc('MONITORING|1796108400|1|count|hits|')).toMatchObject({ type: 'metric', metric: { name: 'hits' }, message: 'MONITORING|1796108400|1|count|hits|' });
  });
});
