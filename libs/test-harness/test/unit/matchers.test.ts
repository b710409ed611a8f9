import { writeLine } from '@yubl/logger';
import { captureLogs, logMatchers, type CapturedLogs } from '../../src';

const context = {} as jest.MatcherContext;
const logsOf = (lines: Record<string, unknown>[], metrics: CapturedLogs['metrics'] = []): CapturedLogs => ({ lines, metrics, text: () => '', restore: () => undefined });

describe('toHaveLogged', () => {
  const logs = logsOf([
    { level: 'info', message: 'posted', 'x-correlation-id': 'c1', user: { id: 'u1', name: 'Ann' } },
    { level: 'error', message: 'failed', count: 0, gone: null },
  ]);

  it('passes when one line has every expected field, nested fields and patterns included', () => {
    for (const expected of [{ level: 'info' }, { message: 'posted', 'x-correlation-id': 'c1' }, { user: { id: 'u1' } }, { message: /^fail/ }, { count: 0 }, { gone: null }, {}]) {
      expect(logMatchers.toHaveLogged.call(context, logs, expected).pass).toBe(true);
    }
  });

  it('fails when no single line has them all', () => {
    for (const expected of [{ level: 'info', message: 'failed' }, { user: { id: 'u2' } }, { count: { n: 0 } }, { gone: { n: 0 } }, { message: /^post$/ }, { count: /0/ }, { count: '0' }, { missing: undefined, level: 'warn' }]) {
      expect(logMatchers.toHaveLogged.call(context, logs, expected).pass).toBe(false);
    }
  });

  it('says what was expected, and shows the last lines, when it fails', () => {
    const { message } = logMatchers.toHaveLogged.call(context, logs, { level: 'warn' });
    expect(message()).toBe(
      'expected a log line matching {"level":"warn"}; the last lines were:\n' +
        '  {"level":"info","message":"posted","x-correlation-id":"c1","user":{"id":"u1","name":"Ann"}}\n' +
        '  {"level":"error","message":"failed","count":0,"gone":null}',
    );
    expect(logMatchers.toHaveLogged.call(context, logsOf([]), { level: 'warn' }).message()).toBe('expected a log line matching {"level":"warn"}; the last lines were:\n(nothing)');
    expect(logMatchers.toHaveLogged.call(context, logs, { level: 'info' }).message()).toBe('expected no log line matching {"level":"info"}');
  });

  it('shows at most the last 10 lines', () => {
    const many = logsOf(Array.from({ length: 12 }, (_, n) => ({ n })));
    expect(logMatchers.toHaveLogged.call(context, many, { n: 99 }).message().split('\n').slice(1)).toEqual(Array.from({ length: 10 }, (_, i) => `  {"n":${i + 2}}`));
  });
});

describe('toHaveMetric', () => {
  const logs = logsOf([], [{ timestamp: 1, value: 2, type: 'count', name: 'records.failed', tags: { function: 'f' } }]);

  it('passes for a metric with the expected fields, and fails otherwise, saying so', () => {
    expect(logMatchers.toHaveMetric.call(context, logs, { name: 'records.failed', value: 2, tags: { function: 'f' } }).pass).toBe(true);
    const miss = logMatchers.toHaveMetric.call(context, logs, { name: 'records.failed', value: 1 });
    expect(miss.pass).toBe(false);
    expect(miss.message()).toBe('expected a metric matching {"name":"records.failed","value":1}; got:\n  {"timestamp":1,"value":2,"type":"count","name":"records.failed","tags":{"function":"f"}}');
    expect(logMatchers.toHaveMetric.call(context, logs, { value: 2 }).message()).toBe('expected no metric matching {"value":2}');
  });
});

describe('captureLogs', () => {
  it('parses the JSON lines and the metric lines written while capturing, and keeps all the text', () => {
    const logs = captureLogs();
    try {
      writeLine('{"level":"info","message":"a"}\nMONITORING|1700000000|1|count|jobs|\n');
      writeLine('{not json\nplain text\n');
      expect(logs.lines).toEqual([{ level: 'info', message: 'a' }]);
      expect(logs.metrics).toEqual([{ timestamp: 1700000000, value: 1, type: 'count', name: 'jobs', tags: {} }]);
      expect(logs.text()).toBe('{"level":"info","message":"a"}\nMONITORING|1700000000|1|count|jobs|\n{not json\nplain text\n');
    } finally {
      logs.restore();
    }
  });

  it('stops capturing once restored', () => {
    const outer = captureLogs();
    const inner = captureLogs();
    inner.restore();
    writeLine('{"after":true}\n');
    outer.restore();
    expect(inner.lines).toEqual([]);
    expect(outer.lines).toEqual([{ after: true }]);
  });
});
