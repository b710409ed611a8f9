// Capturing what a function writes, for "this was logged" assertions: every line goes through
// process.stdout.write in the wrapper libs, so that is where the capture listens.
import { parseMetric, type Metric } from '@yubl/metrics';

export interface CapturedLogs {
  /** every JSON log line, parsed */
  readonly lines: Record<string, unknown>[];
  /** every MONITORING| metric line, parsed */
  readonly metrics: Metric[];
  /** everything written, as text */
  readonly text: () => string;
  /** stops capturing; output goes to stdout again */
  restore(): void;
}

/** Captures stdout (without echoing it) until `restore()`. */
export function captureLogs(): CapturedLogs {
  const original = process.stdout.write;
  const chunks: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const metrics: Metric[] = [];
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    chunks.push(text);
    for (const line of text.split('\n')) {
      if (line.startsWith('{')) {
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line of ours
        }
      } else {
        const metric = parseMetric(line);
        if (metric) metrics.push(metric);
      }
    }
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    lines,
    metrics,
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = original;
    },
  };
}
