import { buildContext, runWithContext } from '@yubl/correlation';
import { captureLogs } from '@yubl/test-harness';
import { count, formatMetric, gauge, metric, parseMetric } from '../../src';

const written = (fn: () => void) => {
  const logs = captureLogs();
  try {
    fn();
  } finally {
    logs.restore();
  }
  return logs;
};

describe('a metric line', () => {
  it('refuses infinite values and unknown types', () => {
    expect(() => formatMetric('m', Infinity, 'count')).toThrow('metric m: value must be a finite number, got Infinity');
    expect(() => formatMetric('m', 1, 'timer' as never)).toThrow('metric m: type must be count, gauge or histogram');
  });

  it('leads with the given tags, and has an empty tags part without any', () => {
    expect(formatMetric('m', 1, 'count', { a: 1, b: true }, 5_000, 'function=f')).toBe('MONITORING|5|1|count|m|function=f,a=1,b=true');
    expect(formatMetric('m', 1, 'count', undefined, 5_000)).toBe('MONITORING|5|1|count|m|');
    expect(formatMetric('m', 1, 'count', {}, 5_000, 'function=f')).toBe('MONITORING|5|1|count|m|function=f');
  });

  it('replaces each run of separators by one underscore, leaving clean text as it is', () => {
    expect(formatMetric('a |, =b', 1, 'gauge', { 'x\ty': 'p\nq' }, 0)).toBe('MONITORING|0|1|gauge|a_b|x_y=p_q');
    expect(formatMetric('a.b-c_d', 1, 'gauge', undefined, 0)).toBe('MONITORING|0|1|gauge|a.b-c_d|');
  });

  it('is the current time, in whole seconds, by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const timestamp = Number(formatMetric('m', 1, 'count').split('|')[1]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(before + 1);
  });
});

describe('reading a metric line', () => {
  it('reads every part, with its trailing newline, and tags whose values hold =', () => {
    expect(parseMetric('MONITORING|17|-2.5|histogram|m|a=1,b=x=y\n')).toEqual({ timestamp: 17, value: -2.5, type: 'histogram', name: 'm', tags: { a: '1', b: 'x=y' } });
    expect(parseMetric('MONITORING|17|1|gauge|m|')).toEqual({ timestamp: 17, value: 1, type: 'gauge', name: 'm', tags: {} });
  });

  it.each([
    'monitoring|17|1|count|m|',
    ' MONITORING|17|1|count|m|',
    'MONITORING|17|1|count|m',
    'MONITORING|17|1|count|m||',
    'MONITORING|1.5|1|count|m|',
    'MONITORING|17|Infinity|count|m|',
    'MONITORING|17|one|count|m|',
    'MONITORING|17|1|count|m|=v',
    'MONITORING|17|1|count|m|a=1,',
  ])('answers undefined for %j', (line) => {
    expect(parseMetric(line)).toBeUndefined();
  });
});

describe('writing metrics', () => {
  it('counts 1 by default, and writes gauges, each as one line', () => {
    const logs = written(() => {
      count('jobs');
      gauge('queue.depth', 7, { queue: 'q' });
      metric('plain', 2);
    });
    expect(logs.metrics.map(({ name, value, type, tags }) => ({ name, value, type, tags }))).toEqual([
      { name: 'jobs', value: 1, type: 'count', tags: {} },
      { name: 'queue.depth', value: 7, type: 'gauge', tags: { queue: 'q' } },
      { name: 'plain', value: 2, type: 'count', tags: {} },
    ]);
    expect(logs.text().split('\n')).toHaveLength(4);
  });

  it('tags the function with its name made safe for the line', () => {
    const context = buildContext({}, 'c', { functionName: 'feed dev|add' }, { debugSampleRate: 0, maxCallChainLength: 10 });
    const logs = written(() => runWithContext(context, () => count('m')));
    expect(logs.metrics[0]!.tags).toEqual({ function: 'feed_dev_add' });
  });
});
