// Jest matchers for what a function logged and measured, registered for every test by jest.config.ts:
//   expect(logs).toHaveLogged({ level: 'error', 'x-correlation-id': id })
//   expect(logs).toHaveMetric({ name: 'kinesis.records.failed', value: 1 })
import type { CapturedLogs } from './logs';

const matches = (actual: Record<string, unknown>, expected: Record<string, unknown>): boolean =>
  Object.entries(expected).every(([key, value]) => {
    const got = actual[key];
    if (value instanceof RegExp) return typeof got === 'string' && value.test(got);
    if (value !== null && typeof value === 'object') return got !== null && typeof got === 'object' && matches(got as Record<string, unknown>, value as Record<string, unknown>);
    return got === value;
  });

function summary(items: object[]): string {
  return items.length === 0 ? '(nothing)' : items.slice(-10).map((item) => `  ${JSON.stringify(item)}`).join('\n');
}

export const logMatchers = {
  toHaveLogged(this: jest.MatcherContext, logs: CapturedLogs, expected: Record<string, unknown>) {
    const pass = logs.lines.some((line) => matches(line, expected));
    return {
      pass,
      message: () =>
        pass
          ? `expected no log line matching ${JSON.stringify(expected)}`
          : `expected a log line matching ${JSON.stringify(expected)}; the last lines were:\n${summary(logs.lines)}`,
    };
  },
  toHaveMetric(this: jest.MatcherContext, logs: CapturedLogs, expected: Record<string, unknown>) {
    const pass = logs.metrics.some((metric) => matches(metric as unknown as Record<string, unknown>, expected));
    return {
      pass,
      message: () => (pass ? `expected no metric matching ${JSON.stringify(expected)}` : `expected a metric matching ${JSON.stringify(expected)}; got:\n${summary(logs.metrics)}`),
    };
  },
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toHaveLogged(expected: Record<string, unknown>): R;
      toHaveMetric(expected: Record<string, unknown>): R;
    }
  }
}
