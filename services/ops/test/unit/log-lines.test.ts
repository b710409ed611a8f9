import { parseLogLine } from '../../src/log-lines';

describe('a log line', () => {
  it('of ours is its JSON fields as they are', () => {
    expect(parseLogLine('{"level":"info","message":"hi","x-correlation-id":"c1","n":2}\n')).toEqual({
      kind: 'json',
      fields: { level: 'info', message: 'hi', 'x-correlation-id': 'c1', n: 2 },
    });
  });

  it("in Lambda's text format is read past its prefix", () => {
    expect(parseLogLine('2026-12-01T07:00:00.000Z\t6f1c-11\tINFO\t{"message":"hi"}')).toEqual({ kind: 'json', fields: { message: 'hi' } });
    expect(parseLogLine('2026-12-01T07:00:00.000Z\t6f1c-11\tWARN\tplain words')).toEqual({ kind: 'text', text: 'plain words', level: 'warn', requestId: '6f1c-11' });
  });

  it('of a metric is the metric', () => {
    expect(parseLogLine('MONITORING|1796108400|3|count|feed_items|function=feed-dev-add-to-feed,kind=page')).toMatchObject({
      kind: 'metric',
      metric: { timestamp: 1796108400, value: 3, type: 'count', name: 'feed_items', tags: { function: 'feed-dev-add-to-feed', kind: 'page' } },
    });
  });

  it('of REPORT has its figures, Init Duration only on a cold start', () => {
    const cold = 'REPORT RequestId: 3f2a-9\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 1024 MB\tMax Memory Used: 80 MB\tInit Duration: 150.00 ms\t';
    expect(parseLogLine(cold)).toMatchObject({
      kind: 'report',
      report: { requestId: '3f2a-9', durationMs: 12.34, billedDurationMs: 13, memorySizeMb: 1024, maxMemoryUsedMb: 80, initDurationMs: 150 },
    });
    const warm = parseLogLine('REPORT RequestId: 3f2a-9 Duration: 2.5 ms Billed Duration: 3 ms Memory Size: 1024 MB Max Memory Used: 81 MB');
    expect(warm.kind === 'report' && warm.report).toEqual({ requestId: '3f2a-9', durationMs: 2.5, billedDurationMs: 3, memorySizeMb: 1024, maxMemoryUsedMb: 81 });
  });

  it("of Lambda's timed-out line is an error of that request", () => {
    const line = '2026-12-02T02:00:06.012Z 3f2a-9 Task timed out after 6.01 seconds';
    expect(parseLogLine(line)).toEqual({ kind: 'text', text: line, level: 'error', requestId: '3f2a-9' });
    expect(parseLogLine('the job timed out after 6.01 seconds')).toEqual({ kind: 'text', text: 'the job timed out after 6.01 seconds' });
  });

  it("of REPORT says how an invocation ended when it did not end on its own: Lambda's `Status: timeout`", () => {
    const timedOut = 'REPORT RequestId: 3f2a-9\tDuration: 6000.00 ms\tBilled Duration: 6000 ms\tMemory Size: 1024 MB\tMax Memory Used: 80 MB\tStatus: timeout\t';
    expect(parseLogLine(timedOut)).toMatchObject({ kind: 'report', report: { requestId: '3f2a-9', durationMs: 6000, billedDurationMs: 6000, status: 'timeout' } });
    const coldAndTimedOut = parseLogLine(timedOut.replace('\tStatus', '\tInit Duration: 150.00 ms\tStatus'));
    expect(coldAndTimedOut.kind === 'report' && coldAndTimedOut.report).toMatchObject({ initDurationMs: 150, status: 'timeout' });
  });

  it('of START and END carries the request id', () => {
    expect(parseLogLine('START RequestId: 3f2a-9 Version: $LATEST')).toMatchObject({ kind: 'start', requestId: '3f2a-9' });
    expect(parseLogLine('END RequestId: 3f2a-9')).toMatchObject({ kind: 'end', requestId: '3f2a-9' });
  });

  it('that is malformed is plain text, never an error', () => {
    for (const line of ['{"level":"info", cut sh', 'MONITORING|x|1|count|n|', 'MONITORING|1|1|count|n|a', 'REPORT RequestId: x Duration: soon', '[1,2]', '{}x', '']) {
      expect(parseLogLine(line)).toEqual({ kind: 'text', text: line });
    }
  });
});
