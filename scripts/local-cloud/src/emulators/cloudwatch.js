'use strict';

// A development stand-in for CloudWatch metrics on the local cloud: PutMetricData, ListMetrics and
// GetMetricData over the AWS JSON 1.0 protocol the SDK v3 client speaks (X-Amz-Target:
// GraniteServiceVersion20100801.*, query-compatible errors: the code rides in x-amzn-query-error,
// which aws-endpoint.js writes). In memory, kept for as long as the cloud runs. It enforces the
// limits AWS enforces on a put (1,000 datums, 30 dimensions, 150 values a datum), so that a
// shipper that works here batches as AWS needs. Statistics are computed exactly from what was
// put, percentiles included (AWS approximates them); alarms, math expressions and dashboards are
// control plane and not served.

const { AwsError } = require('./aws-errors');

const LIMITS = { datums: 1000, dimensions: 30, values: 150, queries: 500, listPage: 500 };
const TWO_WEEKS_MS = 14 * 86_400_000;
const TWO_HOURS_MS = 2 * 3_600_000;

const invalid = (/** @type {string} */ message) => new AwsError('InvalidParameterValue', message);
const missing = (/** @type {string} */ name) => new AwsError('MissingParameter', `The parameter ${name} is required.`);

/**
 * @typedef {{ Name: string, Value?: string }} Dimension
 * @typedef {{ value: number, count: number }} Sample
 * @typedef {{ count: number, sum: number, min: number, max: number }} StatisticSet
 * @typedef {{ at: number, unit: string, samples?: Sample[], set?: StatisticSet }} Point
 * @typedef {{ Namespace: string, MetricName: string, Dimensions: Dimension[], points: Point[], lastPut?: number }} Metric
 */

/**
 * A metric is its namespace, name and exact set of dimensions (order does not matter).
 * @param {string} namespace
 * @param {string} name
 * @param {Dimension[]} [dimensions]
 */
function metricKey(namespace, name, dimensions = []) {
  const sorted = [...dimensions].map(({ Name, Value }) => /** @type {[string, string | undefined]} */ ([Name, Value])).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([namespace, name, sorted]);
}

/**
 * @param {any} dimensions as a client sent them
 * @param {string} where
 * @param {{ valueRequired: boolean }} options
 * @returns {Dimension[]}
 */
function checkDimensions(dimensions, where, { valueRequired }) {
  if (dimensions == null) return [];
  if (!Array.isArray(dimensions)) throw invalid(`${where} must be a list`);
  if (dimensions.length > LIMITS.dimensions) throw invalid(`The collection ${where} must not have a size greater than ${LIMITS.dimensions}.`);
  for (const [i, dimension] of dimensions.entries()) {
    if (typeof dimension?.Name !== 'string' || dimension.Name === '') throw missing(`${where}.member.${i + 1}.Name`);
    if (valueRequired && (typeof dimension.Value !== 'string' || dimension.Value === '')) throw missing(`${where}.member.${i + 1}.Value`);
  }
  return dimensions;
}

/**
 * The samples of one datum as { value, count } pairs, or its statistic set.
 * @param {any} datum as a client sent it
 * @param {string} where
 * @returns {{ samples: Sample[], set?: undefined } | { set: StatisticSet, samples?: undefined }}
 */
function samplesOf(datum, where) {
  const given = ['Value', 'Values', 'StatisticValues'].filter((field) => datum[field] != null);
  if (given.length > 1) throw new AwsError('InvalidParameterCombination', `The parameters ${where}.${given[0]} and ${where}.${given[1]} are mutually exclusive and you have specified both.`);
  if (given.length === 0) throw missing(`${where}.Value`);
  /** @type {(value: unknown, name: string) => number} */
  const finite = (value, name) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`The value ${value} for parameter ${name} is invalid.`);
    return value;
  };
  if (datum.Value != null) return { samples: [{ value: finite(datum.Value, `${where}.Value`), count: 1 }] };
  if (datum.Values) {
    const { Values, Counts } = datum;
    if (Values.length > LIMITS.values) throw invalid(`The collection ${where}.Values must not have a size greater than ${LIMITS.values}.`);
    if (Counts && Counts.length !== Values.length) throw invalid(`The parameters ${where}.Values and ${where}.Counts must be of the same size.`);
    return { samples: Values.map((/** @type {unknown} */ value, /** @type {number} */ i) => ({ value: finite(value, `${where}.Values.member.${i + 1}`), count: finite(Counts?.[i] ?? 1, `${where}.Counts.member.${i + 1}`) })) };
  }
  const set = datum.StatisticValues;
  for (const field of ['SampleCount', 'Sum', 'Minimum', 'Maximum']) finite(set[field], `${where}.StatisticValues.${field}`);
  if (set.SampleCount <= 0) throw invalid(`The value ${set.SampleCount} for parameter ${where}.StatisticValues.SampleCount is invalid.`);
  return { set: { count: set.SampleCount, sum: set.Sum, min: set.Minimum, max: set.Maximum } };
}

/**
 * A statistic over the datapoints of one period. Percentiles need the values themselves: a period
 * with a statistic set in it has none (AWS answers nothing for it either).
 * @param {string} stat
 * @param {Point[]} points
 * @returns {number | undefined}
 */
function statistic(stat, points) {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    const parts = point.set ? [point.set] : (point.samples ?? []).map(({ value, count: n }) => ({ count: n, sum: value * n, min: value, max: value }));
    for (const part of parts) {
      count += part.count;
      sum += part.sum;
      min = Math.min(min, part.min);
      max = Math.max(max, part.max);
    }
  }
  if (count === 0) return undefined;
  switch (stat) {
    case 'SampleCount': return count;
    case 'Sum': return sum;
    case 'Average': return sum / count;
    case 'Minimum': return min;
    case 'Maximum': return max;
    default: {
      const percentile = Number(stat.slice(1));
      if (points.some((point) => point.set)) return undefined;
      // Exact, by nearest rank over every sample weighted by its count.
      const samples = points.flatMap((point) => point.samples ?? []).filter(({ count: n }) => n > 0).sort((a, b) => a.value - b.value);
      const rank = Math.max(1, Math.ceil((percentile / 100) * count));
      let seen = 0;
      for (const { value, count: n } of samples) {
        seen += n;
        if (seen >= rank) return value;
      }
      return samples.at(-1)?.value;
    }
  }
}

const STAT = /^(?:SampleCount|Sum|Average|Minimum|Maximum|p(?:100|\d{1,2})(?:\.\d{1,10})?)$/;

const toMillis = (/** @type {unknown} */ seconds) => Math.round(Number(seconds) * 1000); // JSON 1.0 timestamps are epoch seconds
const toSeconds = (/** @type {number} */ ms) => ms / 1000;

/** @param {{ now?: () => number }} [options] */
function createCloudWatch({ now = Date.now } = {}) {
  /** @type {Map<string, Metric>} */
  const metrics = new Map(); // metric key -> { Namespace, MetricName, Dimensions, points: [{ at, unit, samples | set }], lastPut }

  /** @param {number} offset @param {string} filter */
  function token(offset, filter) {
    return Buffer.from(JSON.stringify({ offset, filter })).toString('base64url');
  }

  /** @param {any} nextToken @param {string} filter @returns {number} */
  function offsetFrom(nextToken, filter) {
    if (nextToken == null) return 0;
    try {
      const decoded = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8'));
      if (decoded.filter === filter && Number.isInteger(decoded.offset)) return decoded.offset;
    } catch {
      // fall through: a token from elsewhere, or a different filter
    }
    throw new AwsError('InvalidNextToken', 'The service couldn\'t process your request because the NextToken is not valid.');
  }

  // Each takes the request's JSON (as a client sent it) and returns the answer's.
  /** @type {Record<string, (input: any) => object>} */
  const operations = {
    PutMetricData({ Namespace, MetricData }) {
      if (typeof Namespace !== 'string' || Namespace === '') throw missing('Namespace');
      if (Namespace.startsWith('AWS/')) throw invalid(`The value ${Namespace} for parameter Namespace is invalid.`);
      if (!Array.isArray(MetricData) || MetricData.length === 0) throw missing('MetricData');
      if (MetricData.length > LIMITS.datums) throw invalid(`The collection MetricData must not have a size greater than ${LIMITS.datums}.`);
      const current = now();
      // Check every datum before storing any: AWS takes a put whole or not at all.
      const checked = MetricData.map((/** @type {any} */ datum, /** @type {number} */ i) => {
        const where = `MetricData.member.${i + 1}`;
        if (typeof datum?.MetricName !== 'string' || datum.MetricName === '') throw missing(`${where}.MetricName`);
        const dimensions = checkDimensions(datum.Dimensions, `${where}.Dimensions`, { valueRequired: true });
        const at = datum.Timestamp == null ? current : toMillis(datum.Timestamp);
        if (!Number.isFinite(at)) throw invalid(`The value ${datum.Timestamp} for parameter ${where}.Timestamp is invalid.`);
        if (at > current + TWO_HOURS_MS) throw invalid(`The parameter ${where}.Timestamp must specify a time no more than two hours in the future.`);
        if (at < current - TWO_WEEKS_MS) throw invalid(`The parameter ${where}.Timestamp must specify a time within the past two weeks.`);
        return { key: metricKey(Namespace, datum.MetricName, dimensions), datum, dimensions, point: { at, unit: datum.Unit ?? 'None', ...samplesOf(datum, where) } };
      });
      for (const { key, datum, dimensions, point } of checked) {
        let metric = metrics.get(key);
        if (!metric) {
          metric = { Namespace, MetricName: datum.MetricName, Dimensions: dimensions.map(({ Name, Value }) => ({ Name, Value })), points: [] };
          metrics.set(key, metric);
        }
        metric.points.push(point);
        metric.lastPut = current;
      }
      return {};
    },

    ListMetrics({ Namespace, MetricName, Dimensions, NextToken, RecentlyActive }) {
      const filters = checkDimensions(Dimensions, 'Dimensions', { valueRequired: false });
      if (RecentlyActive != null && RecentlyActive !== 'PT3H') throw invalid(`The value ${RecentlyActive} for parameter RecentlyActive is invalid.`);
      const matching = [...metrics.values()].filter(
        (metric) =>
          (Namespace == null || metric.Namespace === Namespace) &&
          (MetricName == null || metric.MetricName === MetricName) &&
          filters.every((filter) => metric.Dimensions.some((d) => d.Name === filter.Name && (filter.Value == null || d.Value === filter.Value))) &&
          (RecentlyActive == null || (metric.lastPut ?? 0) >= now() - 3 * 3_600_000),
      );
      const filter = JSON.stringify([Namespace, MetricName, filters, RecentlyActive]);
      const offset = offsetFrom(NextToken, filter);
      const page = matching.slice(offset, offset + LIMITS.listPage);
      const next = offset + LIMITS.listPage < matching.length ? token(offset + LIMITS.listPage, filter) : undefined;
      return {
        Metrics: page.map(({ Namespace: ns, MetricName: name, Dimensions: dimensions }) => ({ Namespace: ns, MetricName: name, Dimensions: dimensions })),
        ...(next ? { NextToken: next } : {}),
      };
    },

    GetMetricData({ MetricDataQueries, StartTime, EndTime, ScanBy = 'TimestampDescending', MaxDatapoints, NextToken }) {
      if (!Array.isArray(MetricDataQueries) || MetricDataQueries.length === 0) throw missing('MetricDataQueries');
      if (MetricDataQueries.length > LIMITS.queries) throw invalid(`The collection MetricDataQueries must not have a size greater than ${LIMITS.queries}.`);
      if (StartTime == null) throw missing('StartTime');
      if (EndTime == null) throw missing('EndTime');
      if (NextToken != null) throw new AwsError('InvalidNextToken', 'The service couldn\'t process your request because the NextToken is not valid.');
      if (ScanBy !== 'TimestampDescending' && ScanBy !== 'TimestampAscending') throw invalid(`The value ${ScanBy} for parameter ScanBy is invalid.`);
      // AWS rounds a start time of the last 15 days down to the minute; periods start there.
      const start = Math.floor(toMillis(StartTime) / 60_000) * 60_000;
      const end = toMillis(EndTime);
      if (!(end > start)) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
      const ids = new Set();
      const results = MetricDataQueries.map((/** @type {any} */ query, /** @type {number} */ i) => {
        const where = `MetricDataQueries.member.${i + 1}`;
        if (typeof query?.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]{0,254}$/.test(query.Id)) throw invalid(`The value ${query?.Id} for parameter ${where}.Id is invalid.`);
        if (ids.has(query.Id)) throw invalid(`The value ${query.Id} for parameter ${where}.Id is not unique.`);
        ids.add(query.Id);
        if (query.Expression != null) throw invalid(`${where}.Expression: metric math is not emulated by the local CloudWatch stand-in`);
        const stat = query.MetricStat;
        if (!stat) throw missing(`${where}.MetricStat`);
        const { Metric = {}, Period, Stat, Unit } = stat;
        if (!Number.isInteger(Period) || Period <= 0 || (Period % 60 !== 0 && ![1, 5, 10, 30].includes(Period))) {
          throw invalid(`The value ${Period} for parameter ${where}.MetricStat.Period is invalid: a multiple of 60, or 1, 5, 10 or 30.`);
        }
        if (typeof Stat !== 'string' || !STAT.test(Stat)) throw invalid(`The value ${Stat} for parameter ${where}.MetricStat.Stat is invalid.`);
        if (!Metric.Namespace) throw missing(`${where}.MetricStat.Metric.Namespace`);
        if (!Metric.MetricName) throw missing(`${where}.MetricStat.Metric.MetricName`);
        const metric = metrics.get(metricKey(Metric.Namespace, Metric.MetricName, checkDimensions(Metric.Dimensions, `${where}.MetricStat.Metric.Dimensions`, { valueRequired: true })));
        const periodMs = Period * 1000;
        /** @type {Map<number, Point[]>} */
        const byPeriod = new Map();
        for (const point of metric?.points ?? []) {
          if (point.at < start || point.at >= end || (Unit != null && point.unit !== Unit)) continue;
          const bucket = start + Math.floor((point.at - start) / periodMs) * periodMs;
          if (!byPeriod.has(bucket)) byPeriod.set(bucket, []);
          byPeriod.get(bucket)?.push(point);
        }
        const datapoints = [...byPeriod]
          .map(([bucket, points]) => /** @type {[number, number | undefined]} */ ([bucket, statistic(Stat, points)]))
          .filter(([, value]) => value !== undefined)
          .sort(([a], [b]) => (ScanBy === 'TimestampAscending' ? a - b : b - a));
        return {
          query,
          result: { Id: query.Id, Label: query.Label ?? Metric.MetricName, Timestamps: datapoints.map(([bucket]) => toSeconds(bucket)), Values: datapoints.map(([, value]) => value), StatusCode: 'Complete' },
        };
      });
      const returned = results.reduce((sum, { result }) => sum + result.Values.length, 0);
      if (MaxDatapoints != null && returned > MaxDatapoints) {
        throw invalid(`${returned} datapoints exceed MaxDatapoints ${MaxDatapoints}: paging GetMetricData is not emulated by the local CloudWatch stand-in`);
      }
      return { MetricDataResults: results.filter(({ query }) => query.ReturnData !== false).map(({ result }) => result), Messages: [] };
    },
  };

  return {
    /** @param {string} target @param {unknown} body */
    handle(target, body) {
      const name = String(target).replace(/^GraniteServiceVersion20100801\./, '');
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (!operation) throw new AwsError('InvalidAction', `CloudWatch operation '${name}' is not served by the local stand-in (PutMetricData, ListMetrics, GetMetricData are)`);
      return operation(body ?? {});
    },
  };
}

module.exports = { createCloudWatch };
