// The central store's documents (docs/api.md "Log lines and metrics"): one per log line, the line's own
// fields plus @timestamp, logGroup, logStream and function; the log event id is the document id,
// so a payload delivered twice stores each line once.

import type { LogLine } from './log-lines';

export interface LogEvent {
  id: string;
  timestamp: number;
  message: string;
}

export interface LogSource {
  stage: string;
  logGroup: string;
  logStream: string;
}

/** A document as it is indexed, and as it travels through the dead-letter queue. */
export interface StoredDocument {
  index: string;
  id: string;
  document: Record<string, unknown>;
}

const LAMBDA_GROUP_PREFIX = '/aws/lambda/';

const DAY_MS = 86_400_000;
// The last day's name: a payload's lines share their day, and naming it was a tenth of shipping.
let lastDay: { stage: string; day: number; name: string } | undefined;

/** One index a day (UTC) per stage: old days are dropped whole, and a day's mapping stands alone. */
export function indexName(stage: string, timestampMs: number): string {
  const day = Math.floor(timestampMs / DAY_MS);
  if (lastDay?.stage === stage && lastDay.day === day) return lastDay.name;
  const name = `logs-${stage}-${new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '.')}`;
  lastDay = { stage, day, name };
  return name;
}

/** The function whose log group this is, or the group's own name for any other group. */
export function functionOfGroup(logGroup: string): string {
  return logGroup.startsWith(LAMBDA_GROUP_PREFIX) ? logGroup.slice(LAMBDA_GROUP_PREFIX.length) : logGroup;
}

/** The line's own fields, an object the document takes over: a JSON line's parsed fields, or a new one. */
function lineFields(line: LogLine): Record<string, unknown> {
  switch (line.kind) {
    case 'json':
      return line.fields;
    case 'metric':
      return { message: line.text, type: 'metric', metric: line.metric };
    case 'report':
      return { message: line.text, type: 'REPORT', awsRequestId: line.report.requestId, report: line.report };
    case 'start':
    case 'end':
      return { message: line.text, type: line.kind.toUpperCase(), awsRequestId: line.requestId };
    case 'text':
      return { message: line.text, ...(line.level ? { level: line.level } : {}), ...(line.requestId ? { awsRequestId: line.requestId } : {}) };
  }
}

export function toDocument(event: LogEvent, line: LogLine, source: LogSource): StoredDocument {
  // The line's fields object becomes the document, ours written over any of the same name: no copy
  // of every field of every line (copying was most of what shipping a line cost).
  const document = lineFields(line);
  document['@timestamp'] = new Date(event.timestamp).toISOString();
  document.logGroup = source.logGroup;
  document.logStream = source.logStream;
  document.function = functionOfGroup(source.logGroup);
  return { index: indexName(source.stage, event.timestamp), id: event.id, document };
}

// The fields a document keeps as they are when its other fields clash with the index's mapping.
const CORE_FIELDS = ['@timestamp', 'logGroup', 'logStream', 'function', 'level', 'message', 'type', 'awsRequestId', 'x-correlation-id', 'call-chain-length'];

/**
 * The same line as a document the index can always take: a field whose type clashes with the
 * day's mapping (a `status` that was a number and is now text, say) would refuse the document for
 * good, so the line keeps its core fields and carries the rest as one JSON text, `unmappedFields`.
 * Searchable by correlation id, function and message all the same; nothing is lost.
 */
export function withUnmappedFields(stored: StoredDocument): StoredDocument {
  const core: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stored.document)) (CORE_FIELDS.includes(name) && typeof value !== 'object' ? core : rest)[name] = value;
  return { ...stored, document: { ...core, unmappedFields: JSON.stringify(rest) } };
}
