// Metric lines (and Lambda's REPORT lines) as CloudWatch metric data: aggregated per name,
// dimensions and minute into Values/Counts, so a busy minute costs one datum, not one per line.
// Pure: plain values in, PutMetricData's MetricDatum shape out.

import type { LambdaReport } from './log-lines';
import type { Metric } from '@yubl/metrics';

export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export interface Observation {
  name: string;
  dimensions: Record<string, string>;
  /** epoch seconds */
  timestamp: number;
  value: number;
  unit: MetricUnit;
}

export interface MetricDatum {
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  Timestamp: Date;
  Values: number[];
  Counts: number[];
  Unit: MetricUnit;
}

// PutMetricData's limits: dimensions a datum, distinct values a datum, data a request.
export const MAX_DIMENSIONS = 30;
export const MAX_VALUES_PER_DATUM = 150;
export const MAX_DATA_PER_REQUEST = 1000;

export function observationOfMetric(metric: Metric): Observation {
  return { name: metric.name, dimensions: metric.tags, timestamp: metric.timestamp, value: metric.value, unit: metric.type === 'count' ? 'Count' : 'None' };
}

/** Duration of every invocation, and a ColdStart count for each one that had an init phase. */
export function observationsOfReport(report: LambdaReport, functionName: string, timestampMs: number): Observation[] {
  const base = { dimensions: { function: functionName }, timestamp: Math.floor(timestampMs / 1000) };
  const observations: Observation[] = [{ ...base, name: 'Duration', value: report.durationMs, unit: 'Milliseconds' }];
  if (report.initDurationMs !== undefined) observations.push({ ...base, name: 'ColdStart', value: 1, unit: 'Count' });
  if (report.status === 'timeout') observations.push({ ...base, name: 'Timeout', value: 1, unit: 'Count' });
  return observations;
}

/** The dimensions CloudWatch accepts: non-empty values, in name order, the first 30. */
function dimensionsOf(tags: Record<string, string>): { Name: string; Value: string }[] {
  return Object.keys(tags)
    .filter((name) => name !== '' && tags[name] !== '')
    .sort()
    .slice(0, MAX_DIMENSIONS)
    .map((name) => ({ Name: name, Value: tags[name]! }));
}

export function aggregate(observations: Observation[]): MetricDatum[] {
  const groups = new Map<string, { head: Omit<MetricDatum, 'Values' | 'Counts'>; counts: Map<number, number> }>();
  for (const observation of observations) {
    const minute = Math.floor(observation.timestamp / 60) * 60;
    const dimensions = dimensionsOf(observation.dimensions);
    const key = JSON.stringify([observation.name, observation.unit, minute, dimensions]);
    let group = groups.get(key);
    if (!group) {
      group = { head: { MetricName: observation.name, Dimensions: dimensions, Timestamp: new Date(minute * 1000), Unit: observation.unit }, counts: new Map() };
      groups.set(key, group);
    }
    group.counts.set(observation.value, (group.counts.get(observation.value) ?? 0) + 1);
  }
  const data: MetricDatum[] = [];
  for (const { head, counts } of groups.values()) {
    const entries = [...counts];
    for (let at = 0; at < entries.length; at += MAX_VALUES_PER_DATUM) {
      const slice = entries.slice(at, at + MAX_VALUES_PER_DATUM);
      data.push({ ...head, Values: slice.map(([value]) => value), Counts: slice.map(([, count]) => count) });
    }
  }
  return data;
}

export function inRequests<T>(items: T[], size = MAX_DATA_PER_REQUEST): T[][] {
  const requests: T[][] = [];
  for (let at = 0; at < items.length; at += size) requests.push(items.slice(at, at + size));
  return requests;
}
