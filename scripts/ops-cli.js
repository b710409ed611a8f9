#!/usr/bin/env node
'use strict';

// The operator's reading of a stage (docs: docs/api.md "Log lines and metrics"), called by ./build.sh:
//   logs    --stage S --correlation-id ID [--since 15m] [--json]   every line of one call chain, oldest first
//   logs    --stage S --service X [--function F] [--since 15m] [--follow] [--json]
//   replay  --stage S                                   re-ships ship-logs' dead letters
//   metrics --stage S [--name N] [--since 15m] [--json] per minute, per dimensions
//   janitor --stage S [--dry-run] [--keep N]            old Lambda versions deleted (services/ops/src/janitor.ts)
//   redrive --stage S --queue NAME [--json]            re-delivers a failure queue's records (scripts/redrive.js)
// Lines come from the central store (OpenSearch: the local cloud's stand-in, or the stage's
// domain signed with the operator's profile), metrics from CloudWatch. A person reads the default
// output at 2 a.m.: time, function, level, message and a few fields; --json prints one document a line.

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.resolve(__dirname, '..');
// The fields shown beside the message, when a line has them: the ids, and what the wrappers' own
// lines carry (a refusal's status, code and reason; a failure's error).
const SHOWN_FIELDS = ['x-correlation-id', 'awsRequestId', 'status', 'code', 'reason', 'error'];
const PAGE = 1_000;
const FOLLOW_EVERY_MS = 2_000;

const fail = (message) => {
  process.stderr.write(`ops: ${message}\n`);
  process.exit(1);
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    stage: { type: 'string' },
    'correlation-id': { type: 'string' },
    service: { type: 'string' },
    function: { type: 'string' },
    since: { type: 'string' },
    follow: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    name: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    keep: { type: 'string' },
    queue: { type: 'string' },
  },
});
const [command] = positionals;
const stage = values.stage ?? fail('--stage is required');

/** `15m`, `2h`, `1d`, `30s` → milliseconds. */
function duration(text) {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) fail(`--since takes a duration like 30s, 15m, 2h or 1d, not '${text}'`);
  return Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2]];
}

// ---- where the stage is ----------------------------------------------------------------------------

/** The running local cloud's endpoints (LOCAL_CLOUD_STATE_DIR, or the developer's .local). */
function localCloud() {
  const file = path.join(process.env.LOCAL_CLOUD_STATE_DIR ?? path.join(ROOT, '.local'), 'endpoints.json');
  if (!fs.existsSync(file)) fail('no local cloud is running: start it with ./build.sh deploy --stage local --detach');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** SDK client settings for the stage: the local cloud's endpoint, or AWS through the profile. */
function clientSettings(endpointName) {
  if (stage !== 'local') return {};
  const cloud = localCloud();
  return { region: cloud.region, endpoint: cloud.endpoints[endpointName], credentials: localCredentials };
}

async function searchClient() {
  const { Client } = require('@opensearch-project/opensearch');
  if (stage === 'local') {
    const url = localCloud().endpoints.opensearch ?? fail('the local cloud has no OpenSearch endpoint');
    return new Client({ node: url });
  }
  // The stage's domain, as the ops service exported it; signed with the operator's credentials.
  const { CloudFormationClient, ListExportsCommand } = require('@aws-sdk/client-cloudformation');
  const { AwsSigv4Signer } = require('@opensearch-project/opensearch/aws-v3');
  const { defaultProvider } = require('@aws-sdk/credential-provider-node');
  const cloudFormation = new CloudFormationClient({});
  let url = process.env.OPENSEARCH_URL;
  for (let token; !url; ) {
    const page = await cloudFormation.send(new ListExportsCommand({ NextToken: token }));
    url = page.Exports?.find((e) => e.Name === `yubl-${stage}-OpenSearchUrl`)?.Value;
    token = page.NextToken;
    if (!token && !url) fail(`no export yubl-${stage}-OpenSearchUrl: is the ops service deployed to ${stage}? (or set OPENSEARCH_URL)`);
  }
  const region = await cloudFormation.config.region();
  return new Client({ ...AwsSigv4Signer({ region, service: 'es', getCredentials: defaultProvider() }), node: url });
}

// ---- logs ------------------------------------------------------------------------------------------

/** The functions of one service at this stage, by the framework's naming: <service>-<stage>-<key>. */
function functionsOf(service) {
  const yaml = require('js-yaml');
  const file = path.join(ROOT, 'services', service, 'serverless.yml');
  if (!fs.existsSync(file)) fail(`unknown service '${service}'`);
  const config = yaml.load(fs.readFileSync(file, 'utf8'));
  return Object.keys(config.functions ?? {}).map((key) => `${config.service}-${stage}-${key}`);
}

function logsQuery(since) {
  const filter = [];
  if (values['correlation-id']) filter.push({ term: { 'x-correlation-id.keyword': values['correlation-id'] } });
  else if (values.service) {
    const names = values.function ? [`${values.service}-${stage}-${values.function}`] : functionsOf(values.service);
    filter.push({ terms: { 'function.keyword': names } });
  } else fail('logs needs --correlation-id ID, or --service NAME [--function F]');
  if (since !== undefined) filter.push({ range: { '@timestamp': { gte: new Date(since).toISOString() } } });
  return { bool: { filter } };
}

function printLine(document) {
  if (values.json) {
    process.stdout.write(`${JSON.stringify(document)}\n`);
    return;
  }
  const time = String(document['@timestamp'] ?? '').replace('T', ' ').replace('Z', '');
  const level = String(document.level ?? '').toUpperCase().padEnd(5);
  const shown = SHOWN_FIELDS.filter((f) => document[f] !== undefined).map((f) => `${f}=${typeof document[f] === 'object' ? JSON.stringify(document[f]) : document[f]}`);
  process.stdout.write(`${time}  ${String(document.function ?? '').padEnd(36)} ${level} ${document.message ?? ''}${shown.length ? `  ${shown.join(' ')}` : ''}\n`);
}

/** Every matching line newer than `since`, oldest first, page after page; returns the last seen. */
async function printLogs(client, since, seen = new Set()) {
  let searchAfter;
  let printed = 0;
  for (;;) {
    const { body } = await client.search({
      index: `logs-${stage}-*`,
      body: { query: logsQuery(since), sort: [{ '@timestamp': 'asc' }, { _id: 'asc' }], size: PAGE, ...(searchAfter ? { search_after: searchAfter } : {}) },
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    const hits = body.hits?.hits ?? [];
    for (const hit of hits) {
      if (seen.has(hit._id)) continue;
      seen.add(hit._id);
      printLine(hit._source);
      printed += 1;
    }
    if (hits.length < PAGE) return printed;
    searchAfter = hits[hits.length - 1].sort;
  }
}

async function logs() {
  const client = await searchClient();
  const since = values.since ? Date.now() - duration(values.since) : undefined;
  const printed = await printLogs(client, since);
  if (!values.follow) {
    if (printed === 0 && !values.json) process.stderr.write('ops: no lines matched (lines reach the store a few seconds after they are written)\n');
    return;
  }
  // Following: ask again for what is newer than a little before the last look (lines arrive late).
  const seen = new Set();
  for (let from = since ?? Date.now() - 60_000; ; ) {
    const looked = Date.now();
    await printLogs(client, from, seen);
    from = looked - 30_000;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
  }
}

// ---- replay ----------------------------------------------------------------------------------------

async function replay() {
  const { InvokeCommand, LambdaClient } = require('@aws-sdk/client-lambda');
  const lambda = new LambdaClient(clientSettings('lambda'));
  const answer = await lambda.send(new InvokeCommand({ FunctionName: `ops-${stage}-replay-dead-letters`, Payload: Buffer.from('{}') }));
  const payload = answer.Payload ? JSON.parse(Buffer.from(answer.Payload).toString('utf8')) : undefined;
  if (answer.FunctionError) fail(`replay failed: ${payload?.errorMessage ?? answer.FunctionError}`);
  process.stdout.write(values.json ? `${JSON.stringify(payload)}\n` : `replayed ${payload.replayed}, still failing ${payload.failed}, left in the queue ${payload.remaining}\n`);
}

// ---- metrics ---------------------------------------------------------------------------------------

async function metrics() {
  const { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } = require('@aws-sdk/client-cloudwatch');
  const cloudWatch = new CloudWatchClient(clientSettings('cloudwatch'));
  const namespace = `yubl/${stage}`;
  const listed = [];
  for (let token; ; ) {
    const page = await cloudWatch.send(new ListMetricsCommand({ Namespace: namespace, ...(values.name ? { MetricName: values.name } : {}), NextToken: token }));
    listed.push(...(page.Metrics ?? []));
    token = page.NextToken;
    if (!token) break;
  }
  const end = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
  const start = new Date(end.getTime() - duration(values.since ?? '15m'));
  const rows = [];
  // GetMetricData takes up to 500 queries a call: four statistics a metric.
  for (let i = 0; i < listed.length; i += 125) {
    const chunk = listed.slice(i, i + 125);
    const queries = chunk.flatMap((metric, m) =>
      ['Sum', 'SampleCount', 'Average', 'p99'].map((stat) => ({ Id: `m${m}_${stat.toLowerCase()}`, MetricStat: { Metric: metric, Period: 60, Stat: stat }, ReturnData: true })),
    );
    const { MetricDataResults = [] } = await cloudWatch.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, ScanBy: 'TimestampAscending' }));
    const byId = new Map(MetricDataResults.map((r) => [r.Id, r]));
    chunk.forEach((metric, m) => {
      const sums = byId.get(`m${m}_sum`);
      (sums?.Timestamps ?? []).forEach((timestamp, t) => {
        const at = (stat) => {
          const result = byId.get(`m${m}_${stat}`);
          const index = result?.Timestamps?.findIndex((x) => new Date(x).getTime() === new Date(timestamp).getTime()) ?? -1;
          return index >= 0 ? result.Values[index] : undefined;
        };
        rows.push({
          minute: new Date(timestamp).toISOString().slice(0, 16).replace('T', ' '),
          name: metric.MetricName,
          dimensions: Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name, d.Value])),
          sum: sums.Values[t],
          count: at('samplecount'),
          average: at('average'),
          p99: at('p99'),
        });
      });
    });
  }
  rows.sort((a, b) => (a.minute === b.minute ? a.name.localeCompare(b.name) : a.minute.localeCompare(b.minute)));
  if (values.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  if (rows.length === 0) process.stderr.write(`ops: no metrics in ${namespace} since ${start.toISOString()}\n`);
  const number = (n) => (n === undefined ? '-' : Number.isInteger(n) ? String(n) : n.toFixed(2));
  for (const row of rows) {
    const dims = Object.entries(row.dimensions).map(([k, v]) => `${k}=${v}`).join(',');
    process.stdout.write(`${row.minute}  ${row.name.padEnd(28)} sum=${number(row.sum)} count=${number(row.count)} avg=${number(row.average)} p99=${number(row.p99)}  ${dims}\n`);
  }
}

// ---- janitor -----------------------------------------------------------------------------------------

/** The ops service's janitor, run from here with the operator's profile: the same domain code as its scheduled function. */
async function janitor() {
  if (stage === 'local') {
    process.stdout.write('janitor: the local cloud publishes no Lambda versions (there is no local Lambda control plane): nothing to prune\n');
    return;
  }
  // The janitor is TypeScript; transpiled here on load, as the tests do.
  require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
  const { LambdaClient } = require('@aws-sdk/client-lambda');
  const { pruneStage } = require('../services/ops/src/janitor');
  const { lambdaJanitorPorts } = require('../services/ops/src/adapters/lambda');
  const keepNewest = values.keep === undefined ? 3 : Number(values.keep);
  const dryRun = values['dry-run'];
  const client = new LambdaClient({ region: process.env.AWS_REGION ?? 'eu-west-1' });
  const reports = await pruneStage(lambdaJanitorPorts(stage, client), { keepNewest, dryRun });
  const verb = dryRun ? 'would delete' : 'deleted';
  for (const report of reports) {
    const kept = report.kept.map((k) => `${k.version} (${k.because})`).join(', ');
    process.stdout.write(`${report.functionName}: ${verb} ${report.removed.length ? report.removed.join(', ') : 'nothing'}; keeps ${kept}\n`);
    for (const refused of report.refused) process.stdout.write(`  ${refused.version} refused: ${refused.reason}\n`);
  }
  const total = reports.reduce((sum, report) => sum + report.removed.length, 0);
  process.stdout.write(`janitor: ${verb} ${total} version(s) of ${reports.length} function(s) of ${stage}\n`);
}

// ---- redrive ---------------------------------------------------------------------------------------

async function redrive() {
  const { SQSClient } = require('@aws-sdk/client-sqs');
  const { LambdaClient } = require('@aws-sdk/client-lambda');
  const { KinesisClient } = require('@aws-sdk/client-kinesis');
  const { NodeHttpHandler } = require('@smithy/node-http-handler');
  const { redrive: redriveQueue } = require('./redrive');
  const queueName = values.queue ?? fail('redrive needs --queue NAME (a failure queue, e.g. feed-add-failures-<stage>)');
  const sqs = new SQSClient(clientSettings('sqs'));
  // A redelivery waits for the function's answer: as long as the longest function may run.
  const lambda = new LambdaClient({ ...clientSettings('lambda'), requestHandler: new NodeHttpHandler({ requestTimeout: 900_000 }) });
  // HTTP/1.1, which Kinesis serves for these calls (and the only protocol kinesalite speaks).
  const kinesis = new KinesisClient({ ...clientSettings('kinesis'), requestHandler: new NodeHttpHandler() });
  const region = stage === 'local' ? localCloud().region : await sqs.config.region();
  const counts = await redriveQueue({ sqs, lambda, kinesis, queueName, region, log: (line) => process.stderr.write(`ops: ${line}\n`) });
  process.stdout.write(
    values.json
      ? `${JSON.stringify(counts)}\n`
      : `${queueName}: redelivered ${counts.redelivered} (${counts.async} asynchronous events, ${counts.kinesisBatches} Kinesis batches of ${counts.kinesisRecords} records); left in the queue ${counts.left} (failed again ${counts.failed}, records gone from the stream ${counts.recordsGone}, not Lambda records ${counts.unrecognised})\n`,
  );
  if (counts.left > 0) process.exitCode = 1;
}

const commands = { logs, replay, metrics, redrive, janitor };
(commands[command] ?? (() => fail(`unknown command '${command ?? ''}' (logs, replay, metrics, redrive, janitor)`)))().catch((error) => fail(error.message));
