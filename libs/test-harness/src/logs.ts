// Capturing what a function writes, for "this was logged" assertions: the wrapper libs write every
// log and metric line through @yubl/logger's output, which a test can redirect.
import { redirectOutput } from '@yubl/logger';
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

/** Captures every log and metric line (without echoing it) until `restore()`. */
export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const metrics: Metric[] = [];
  const restore = redirectOutput((text) => {
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
  });
  return { lines, metrics, text: () => chunks.join(''), restore };
}
