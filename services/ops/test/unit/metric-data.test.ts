import { aggregate, inRequests, observationOfMetric, observationsOfReport, type Observation } from '../../src/metric-data';

const minute = 1796108400; // a whole minute
const obs = (over: Partial<Observation>): Observation => ({ name: 'hits', dimensions: { function: 'f' }, timestamp: minute, value: 1, unit: 'Count', ...over });

describe('metric data', () => {
  it('are aggregated per name, dimensions and minute as Values and Counts', () => {
    const data = aggregate([
      obs({ timestamp: minute + 1 }),
      obs({ timestamp: minute + 59 }),
      obs({ value: 5 }),
      obs({ timestamp: minute + 60 }),
      obs({ dimensions: { function: 'g' } }),
      obs({ name: 'misses' }),
    ]);
    expect(data).toEqual([
      { MetricName: 'hits', Dimensions: [{ Name: 'function', Value: 'f' }], Timestamp: new Date(minute * 1000), Values: [1, 5], Counts: [2, 1], Unit: 'Count' },
      { MetricName: 'hits', Dimensions: [{ Name: 'function', Value: 'f' }], Timestamp: new Date((minute + 60) * 1000), Values: [1], Counts: [1], Unit: 'Count' },
      { MetricName: 'hits', Dimensions: [{ Name: 'function', Value: 'g' }], Timestamp: new Date(minute * 1000), Values: [1], Counts: [1], Unit: 'Count' },
      { MetricName: 'misses', Dimensions: [{ Name: 'function', Value: 'f' }], Timestamp: new Date(minute * 1000), Values: [1], Counts: [1], Unit: 'Count' },
    ]);
  });

  it('take the same dimensions in any order as the same, and at most 30 of them', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'v']));
    const data = aggregate([obs({ dimensions: { a: '1', b: '2' } }), obs({ dimensions: { b: '2', a: '1' } }), obs({ dimensions: many })]);
    expect(data[0]!.Counts).toEqual([2]);
    expect(data[1]!.Dimensions).toHaveLength(30);
  });

  it('hold at most 150 distinct values a datum', () => {
    const data = aggregate(Array.from({ length: 151 }, (_, value) => obs({ value, unit: 'None' })));
    expect(data.map((datum) => datum.Values.length)).toEqual([150, 1]);
  });

  it('go at most 1,000 a request', () => {
    expect(inRequests(Array.from({ length: 2001 }, (_, i) => i)).map((request) => request.length)).toEqual([1000, 1000, 1]);
    expect(inRequests([])).toEqual([]);
  });

  it('from a REPORT line are its Duration and, on a cold start, a ColdStart', () => {
    const report = { requestId: 'r', durationMs: 12.5, billedDurationMs: 13, memorySizeMb: 128, maxMemoryUsedMb: 60 };
    expect(observationsOfReport(report, 'feed-dev-get-feed', minute * 1000 + 999)).toEqual([
      { name: 'Duration', dimensions: { function: 'feed-dev-get-feed' }, timestamp: minute, value: 12.5, unit: 'Milliseconds' },
    ]);
    expect(observationsOfReport({ ...report, initDurationMs: 150 }, 'f', 0).map((o) => [o.name, o.value, o.unit])).toEqual([
      ['Duration', 12.5, 'Milliseconds'],
      ['ColdStart', 1, 'Count'],
    ]);
  });

  it('from a REPORT line of an invocation that outran its timeout have a Timeout too', () => {
    const report = { requestId: 'r', durationMs: 6000, billedDurationMs: 6000, memorySizeMb: 128, maxMemoryUsedMb: 60, status: 'timeout' };
    expect(observationsOfReport(report, 'f', 0).map((o) => [o.name, o.value, o.unit])).toEqual([
      ['Duration', 6000, 'Milliseconds'],
      ['Timeout', 1, 'Count'],
    ]);
    expect(observationsOfReport({ ...report, status: 'error' }, 'f', 0).map((o) => o.name)).toEqual(['Duration']);
  });

  it("from a metric line keep its tags as dimensions, a count's unit Count", () => {
    expect(observationOfMetric({ timestamp: minute, value: 2, type: 'count', name: 'n', tags: { a: 'b' } })).toEqual({ name: 'n', dimensions: { a: 'b' }, timestamp: minute, value: 2, unit: 'Count' });
    expect(observationOfMetric({ timestamp: minute, value: 2, type: 'gauge', name: 'n', tags: {} }).unit).toBe('None');
  });
});
