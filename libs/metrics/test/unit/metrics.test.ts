import fc from 'fast-check';
import { buildContext, runWithContext } from '@yubl/correlation';
import { captureLogs } from '@yubl/test-harness';
import { count, formatMetric, histogram, parseMetric } from '../../src';

describe('metrics as log lines', () => {
  it('formats MONITORING|epoch|value|type|name|tags', () => {
    expect(formatMetric('feed.items.written', 25, 'count', { stage: 'dev', table: 'feeds' }, 1_700_000_000_999)).toBe(
      'MONITORING|1700000000|25|count|feed.items.written|stage=dev,table=feeds',
    );
  });

  it('keeps the separators out of names and tags', () => {
    expect(formatMetric('a|b', 1, 'gauge', { 'k,1': 'v=2 x' }, 0)).toBe('MONITORING|0|1|gauge|a_b|k_1=v_2_x');
  });

  it('refuses values that are not finite numbers', () => {
    expect(() => formatMetric('m', Number.NaN, 'count')).toThrow(/finite/);
  });

  it('parses back what it formats, for any name, value and tags', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(word, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('count', 'gauge', 'histogram' as const), fc.dictionary(word, word, { maxKeys: 5 }), (name, value, type, tags) => {
        const parsed = parseMetric(formatMetric(name, value, type, tags, 1_000));
        expect(parsed).toEqual({ timestamp: 1, value: Number(String(value)), type, name, tags });
      }),
    );
  });

  it('answers undefined for lines that are not metrics', () => {
    for (const line of ['{"level":"info"}', 'MONITORING|x|1|count|n|', 'MONITORING|1|1|timer|n|', 'MONITORING|1|1|count||', 'MONITORING|1||count|n|', 'MONITORING|1|1|count|n|novalue']) {
      expect(parseMetric(line)).toBeUndefined();
    }
  });

  it('writes one line to stdout, tagged with the function', () => {
    const logs = captureLogs();
    try {
      runWithContext(buildContext({}, 'c', { functionName: 'feed-dev-add' }, { debugSampleRate: 0, maxCallChainLength: 10 }), () => {
        count('feed.writes', 3, { table: 'feeds' });
        histogram('feed.batch.size', 25);
      });
    } finally {
      logs.restore();
    }
    expect(logs).toHaveMetric({ name: 'feed.writes', value: 3, type: 'count', tags: { function: 'feed-dev-add', table: 'feeds' } });
    expect(logs).toHaveMetric({ name: 'feed.batch.size', value: 25, type: 'histogram' });
  });
});
