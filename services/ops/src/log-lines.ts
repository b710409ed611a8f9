// What one CloudWatch log event's message is: one of our JSON lines, a MONITORING| metric line,
// one of the lines Lambda itself writes (START, END, REPORT), or anything else as plain text.
// Pure: a string in, a plain value out; never throws (a malformed line is text).

import { parseMetric, type Metric } from '@yubl/metrics';

export interface LambdaReport {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** only on a cold start */
  initDurationMs?: number;
  /** only when the invocation did not end on its own: `timeout` when it outran its timeout */
  status?: string;
}

export type LogLine =
  | { kind: 'json'; fields: Record<string, unknown> }
  | { kind: 'metric'; metric: Metric; text: string }
  | { kind: 'report'; report: LambdaReport; text: string }
  | { kind: 'start' | 'end'; requestId: string; text: string }
  | { kind: 'text'; text: string; level?: string; requestId?: string };

// Lambda's default text format puts `<ISO time>\t<request id>\t<LEVEL>\t` before what console.* wrote.
const TEXT_FORMAT_PREFIX = /^\d{4}-\d\d-\d\dT[\d:.]+Z\t([\w-]+)\t(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t/;
const REPORT =
  /^REPORT RequestId: ([\w-]+)\s+Duration: ([\d.]+) ms\s+Billed Duration: (\d+) ms\s+Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB(?:\s+Init Duration: ([\d.]+) ms)?(?:\s+Status: (\w+))?/;
const START_OR_END = /^(START|END) RequestId: ([\w-]+)/;
// Lambda's own line for an invocation that outran its timeout: an error of that request.
const TIMED_OUT = /^\d{4}-\d\d-\d\dT[\d:.]+Z\s+([\w-]+)\s+Task timed out after [\d.]+ seconds$/;

export function parseLogLine(message: string): LogLine {
  const text = message.trimEnd();
  const prefix = TEXT_FORMAT_PREFIX.exec(text);
  const body = prefix ? text.slice(prefix[0].length) : text;

  if (body.startsWith('{')) {
    const fields = parseJsonObject(body);
    if (fields) return { kind: 'json', fields };
  } else if (body.startsWith('MONITORING|')) {
    const metric = parseMetric(body);
    if (metric) return { kind: 'metric', metric, text: body };
  } else if (body.startsWith('REPORT ')) {
    const report = parseReport(body);
    if (report) return { kind: 'report', report, text: body };
  } else {
    const startOrEnd = START_OR_END.exec(body);
    if (startOrEnd) return { kind: startOrEnd[1] === 'START' ? 'start' : 'end', requestId: startOrEnd[2]!, text: body };
    const timedOut = TIMED_OUT.exec(body);
    if (timedOut) return { kind: 'text', text: body, level: 'error', requestId: timedOut[1]! };
  }
  return prefix ? { kind: 'text', text: body, level: prefix[2]!.toLowerCase(), requestId: prefix[1]! } : { kind: 'text', text: body };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseReport(text: string): LambdaReport | undefined {
  const match = REPORT.exec(text);
  if (!match) return undefined;
  const [, requestId, duration, billed, memorySize, maxMemory, init, status] = match;
  return {
    requestId: requestId!,
    durationMs: Number(duration),
    billedDurationMs: Number(billed),
    memorySizeMb: Number(memorySize),
    maxMemoryUsedMb: Number(maxMemory),
    ...(init === undefined ? {} : { initDurationMs: Number(init) }),
    ...(status === undefined ? {} : { status }),
  };
}
