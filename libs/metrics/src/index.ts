// Metrics as log lines: `MONITORING|<epoch seconds>|<value>|<count|gauge|histogram>|<name>|<k=v,…>`.
// The function pays one stdout write, no network call; the log shipper parses the lines (parseMetric)
// and publishes them after the fact.

import { currentContext } from '@yubl/correlation';
import { writeLine } from '@yubl/logger';

export type MetricType = 'count' | 'gauge' | 'histogram';
export type Tags = Record<string, string | number | boolean>;

export interface Metric {
  timestamp: number;
  value: number;
  type: MetricType;
  name: string;
  tags: Record<string, string>;
}

const TYPES = new Set<MetricType>(['count', 'gauge', 'histogram']);
// The separators of the line format cannot appear inside a name, key or value.
const SEPARATORS = /[|,=\s]/;
const clean = (text: string) => (SEPARATORS.test(text) ? text.replace(/[|,=\s]+/g, '_') : text);

function tagText(tags: Tags | undefined, leading: string): string {
  let text = leading;
  // Stryker disable next-line ConditionalExpression: for-in over undefined runs no iteration
  if (tags) {
    for (const key in tags) text += `${text === '' ? '' : ','}${clean(key)}=${clean(String(tags[key]))}`;
  }
  return text;
}

export function formatMetric(name: string, value: number, type: MetricType, tags?: Tags, now = Date.now(), leadingTags = ''): string {
  if (!Number.isFinite(value)) throw new TypeError(`metric ${name}: value must be a finite number, got ${value}`);
  if (!TYPES.has(type)) throw new TypeError(`metric ${name}: type must be count, gauge or histogram`);
  return `MONITORING|${Math.floor(now / 1000)}|${value}|${type}|${clean(name)}|${tagText(tags, leadingTags)}`;
}

/** Reads one log line back into a metric; undefined for any line that is not a well-formed metric. */
export function parseMetric(line: string): Metric | undefined {
  if (!line.startsWith('MONITORING|')) return undefined;
  const parts = line.trimEnd().split('|');
  if (parts.length !== 6) return undefined;
  const [, epoch, value, type, name, tagText] = parts as [string, string, string, string, string, string];
  const timestamp = Number(epoch);
  const number = Number(value);
  if (!Number.isInteger(timestamp) || value === '' || !Number.isFinite(number) || !TYPES.has(type as MetricType) || name === '') return undefined;
  const tags: Record<string, string> = {};
  for (const pair of tagText === '' ? [] : tagText.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) return undefined;
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { timestamp, value: number, type: type as MetricType, name, tags };
}

/** Writes one metric line (to standard output, with the log lines), tagged with the function's name. */
export function metric(name: string, value: number, type: MetricType = 'count', tags?: Tags): void {
  const functionName = currentContext()?.functionName;
  writeLine(`${formatMetric(name, value, type, tags, Date.now(), functionName ? `function=${clean(functionName)}` : '')}\n`);
}

export const count = (name: string, value = 1, tags?: Tags) => metric(name, value, 'count', tags);
export const gauge = (name: string, value: number, tags?: Tags) => metric(name, value, 'gauge', tags);
export const histogram = (name: string, value: number, tags?: Tags) => metric(name, value, 'histogram', tags);
