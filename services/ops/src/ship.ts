// ship-logs' work for one subscription payload: every line a document in the central store,
// what the store will not take to the dead-letter queue, metric lines and REPORT lines as
// CloudWatch metric data. A line that parses as nothing else is shipped as text, so no line
// fails the batch.

import { deadLetterMessages } from './dead-letters';
import { functionOfGroup, toDocument, type StoredDocument } from './documents';
import type { IndexingResult } from './indexing';
import { parseLogLine } from './log-lines';
import { aggregate, inRequests, observationOfMetric, observationsOfReport, type MetricDatum, type Observation } from './metric-data';
import type { SubscriptionPayload } from './subscription-payload';

export interface ShippingPorts {
  index: (documents: StoredDocument[]) => Promise<IndexingResult>;
  deadLetter: (body: string) => Promise<void>;
  putMetricData: (data: MetricDatum[]) => Promise<void>;
}

/** What one payload came to: the one summary line ship-logs writes per batch. */
export interface ShippingSummary {
  messageType: SubscriptionPayload['messageType'];
  logGroup: string;
  events: number;
  stored: number;
  retried: number;
  deadLettered: number;
  metricData: number;
  metricRequestsFailed: number;
}

export async function shipPayload(payload: SubscriptionPayload, stage: string, ports: ShippingPorts): Promise<ShippingSummary> {
  const summary: ShippingSummary = {
    messageType: payload.messageType,
    logGroup: payload.logGroup,
    events: payload.logEvents?.length ?? 0,
    stored: 0,
    retried: 0,
    deadLettered: 0,
    metricData: 0,
    metricRequestsFailed: 0,
  };
  // CloudWatch Logs checks a new filter's destination with a control message: nothing to ship.
  if (payload.messageType !== 'DATA_MESSAGE') return summary;

  const source = { stage, logGroup: payload.logGroup, logStream: payload.logStream };
  const functionName = functionOfGroup(payload.logGroup);
  const documents: StoredDocument[] = [];
  const observations: Observation[] = [];
  for (const event of payload.logEvents) {
    const line = parseLogLine(event.message);
    documents.push(toDocument(event, line, source));
    if (line.kind === 'metric') observations.push(observationOfMetric(line.metric));
    else if (line.kind === 'report') observations.push(...observationsOfReport(line.report, functionName, event.timestamp));
  }

  const indexed = await ports.index(documents);
  summary.stored = indexed.stored;
  summary.retried = indexed.retried;
  summary.deadLettered = indexed.failed.length;
  for (const body of deadLetterMessages(indexed.failed)) await ports.deadLetter(body);

  const data = aggregate(observations);
  summary.metricData = data.length;
  // Every request is tried, whichever fails: the caller decides what a failure means.
  const sent = await Promise.allSettled(inRequests(data).map((request) => ports.putMetricData(request)));
  summary.metricRequestsFailed = sent.filter((outcome) => outcome.status === 'rejected').length;
  return summary;
}
