// The proofs of the ops plane (issue 8), against the running local cloud: one correlation id finds
// the whole call chain through `./build.sh logs`; every log group of the stage but ship-logs' own
// is subscribed, by the CreateLogGroup event or by the sweep; a payload delivered twice is stored
// once; a store that refuses for a while loses nothing once `logs replay` has run; secrets the
// logger masks stay masked in the store.
// ship-logs and the sweep run in process in handler mode and through Lambda Invoke in http mode;
// the cases that need the cloud's own functions to write the lines run in http mode only. The
// operator's commands are the real `./build.sh`, run as a child process. Local cloud only: the
// fault switch and the emulators have no deployed counterpart.
import { execFile } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Context } from 'aws-lambda';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  FilterLogEventsCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DisableRuleCommand, EnableRuleCommand, EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { captureLogs, cloudWatchLogsEvent, eventually, lambdaContext, localClientConfig, localCloud, localCloudStateDir, testMode, useLocalCloudEnvironment, type CapturedLogs } from '@yubl/test-harness';
import { aUser, follows, posts } from '@yubl/test-support';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../../../..');
const cloud = localCloud();
const { stage } = cloud;
const local = cloud.endpoints.opensearch !== undefined;
const opensearch = cloud.endpoints.opensearch;
const logsClient = new CloudWatchLogsClient(localClientConfig('logs', cloud));
const lambda = new LambdaClient(localClientConfig('lambda', cloud));
const sqs = new SQSClient(localClientConfig('sqs', cloud));
const eventBridge = new EventBridgeClient(localClientConfig('eventbridge', cloud));

const opsFunction = (key: string) => `ops-${stage}-${key}`;
const groupOf = (functionName: string) => `/aws/lambda/${functionName}`;
const shipLogsGroup = groupOf(opsFunction('ship-logs'));
/** Unique per run: every name and marker this file writes carries it. */
const tag = randomUUID().replace(/-/g, '').slice(0, 12);

const localOnly = local ? describe : describe.skip;
const httpOnly = testMode() === 'http' ? it : it.skip;

// ---- the operator's commands ---------------------------------------------------------------------

/** `./build.sh <args>` against this cloud; its standard output. */
async function buildSh(args: string[]): Promise<string> {
  const { stdout } = await run(resolve(repoRoot, 'build.sh'), args, {
    cwd: repoRoot,
    env: { ...process.env, LOCAL_CLOUD_STATE_DIR: localCloudStateDir(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);

// ---- the central store (the stand-in's REST API) -------------------------------------------------

async function store(path: string, method: string, body?: unknown): Promise<any> {
  const response = await fetch(`${opensearch}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

const LOGS = `/logs-${stage}-*`;
const WILDCARD = 'ignore_unavailable=true&allow_no_indices=true';
const countOf = async (query: unknown): Promise<number> => (await store(`${LOGS}/_count?${WILDCARD}`, 'POST', { query })).count;

/** Every stored document matching `query`, as hits (`_id`, `_source`), page after page. */
async function documentsOf(query: unknown): Promise<{ _id: string; _source: Record<string, any> }[]> {
  const hits = [];
  for (let searchAfter: unknown[] | undefined; ; ) {
    const page = await store(`${LOGS}/_search?${WILDCARD}`, 'POST', { query, sort: [{ '@timestamp': 'asc' }, { _id: 'asc' }], size: 1_000, ...(searchAfter ? { search_after: searchAfter } : {}) });
    hits.push(...page.hits.hits);
    if (page.hits.hits.length < 1_000) return hits;
    searchAfter = page.hits.hits.at(-1).sort;
  }
}

/** The stand-in's fault switch: the store answers `status` until it is switched off. */
const storeFails = (settings: { status: number; times?: number; forMs?: number; scope: 'items' | 'requests' }) => store('/_local/faults', 'POST', settings);
const storeRecovers = () => store('/_local/faults', 'DELETE');

// ---- ops functions: in process (handler mode) or through Lambda Invoke (http mode) ---------------

type Invocable = (event: unknown, context: Context) => Promise<unknown>;
const handlers: Record<string, () => Promise<{ handler: unknown }>> = {
  'ship-logs': () => import('../../src/handlers/ship-logs'),
  'sweep-log-groups': () => import('../../src/handlers/sweep-log-groups'),
};

async function invokeOps(key: keyof typeof handlers, event: unknown): Promise<any> {
  if (testMode() === 'handler') {
    const { handler } = await handlers[key]!();
    return (handler as Invocable)(event, lambdaContext({ functionName: opsFunction(key), timeoutMs: 60_000 }));
  }
  const answer = await lambda.send(new InvokeCommand({ FunctionName: opsFunction(key), Payload: Buffer.from(JSON.stringify(event)) }));
  const text = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
  if (answer.FunctionError) throw new Error(`${opsFunction(key)} failed: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

let captured: CapturedLogs;

/** The one summary line ship-logs wrote for the payload of `logGroup`: from its log group, or captured in process. */
function shippingSummary(logGroup: string, startTime: number): Promise<Record<string, any>> {
  return eventually(async () => {
    let lines: Record<string, any>[] = captured.lines;
    if (testMode() === 'http') {
      const { events = [] } = await logsClient.send(new FilterLogEventsCommand({ logGroupName: shipLogsGroup, startTime, filterPattern: `"${logGroup}"` }));
      lines = events.map(({ message = '' }) => JSON.parse(message.slice(message.indexOf('{'))));
    }
    const summary = lines.find((line) => line.message === 'log events shipped' && line.logGroup === logGroup);
    if (!summary) throw new Error(`ship-logs wrote no summary for ${logGroup}`);
    return summary;
  });
}

/** A payload of our own JSON lines, each with a unique event id and the run's marker. */
function payloadOf(count: number, logGroup: string, marker: string) {
  // CloudWatch Logs ids are 56 digits; these are unique per run and line.
  const ids = Array.from({ length: count }, (_, i) => `${Date.now()}${String(randomInt(1e12)).padStart(12, '0')}${String(i).padStart(6, '0')}`.padEnd(56, '0'));
  const messages = ids.map((_, i) => JSON.stringify({ level: 'info', message: `probe line ${i} ${marker}`, timestamp: new Date().toISOString(), probe: marker }));
  return { ids, event: cloudWatchLogsEvent(messages, logGroup, ids) };
}

const filtersOf = async (logGroupName: string) => (await logsClient.send(new DescribeSubscriptionFiltersCommand({ logGroupName }))).subscriptionFilters ?? [];
const isShipLogs = (filter: { destinationArn?: string }) => filter.destinationArn?.endsWith(`:function:${opsFunction('ship-logs')}`) === true;

const deadLetterQueueDepth = async (queueUrl: string) => {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
};

localOnly('the ops plane on the local cloud', () => {
  let deadLetterQueueUrl: string;

  beforeAll(async () => {
    ({ QueueUrl: deadLetterQueueUrl = '' } = await sqs.send(new GetQueueUrlCommand({ QueueName: `ops-ship-logs-dead-letters-${stage}` })));
    // ship-logs' ARN as the cloud subscribed the stage's groups with it (the sweep's own group is one).
    const shipLogsArn = await eventually(async () => {
      const arn = (await filtersOf(groupOf(opsFunction('sweep-log-groups')))).find(isShipLogs)?.destinationArn;
      if (!arn) throw new Error('the sweep`s own group is not subscribed yet');
      return arn;
    }, { timeout: 30_000, interval: 200 });
    // What serverless.yml gives the functions on this stage, for handler mode.
    useLocalCloudEnvironment({ STAGE: stage, DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl, SHIP_LOGS_ARN: shipLogsArn, SHIP_LOGS_FUNCTION_NAME: opsFunction('ship-logs') }, cloud);
    captured = captureLogs();
  });
  afterAll(async () => {
    captured?.restore();
    await storeRecovers();
  });

  httpOnly('one correlation id finds the lines of every function of HTTP → Kinesis → SNS, oldest first, and the flow`s metric is published', async () => {
    const [author, follower] = await Promise.all([aUser(), aUser()]);
    await follows(follower, author);
    const distributed = async () => {
      const rows = jsonLines(await buildSh(['metrics', '--stage', stage, '--name', 'feed.distributed', '--json']));
      return rows.filter((row) => row.dimensions.function === `feed-${stage}-distribute-yubl`).reduce((sum, row) => sum + row.sum, 0);
    };
    const distributedBefore = await distributed();
    const correlationId = `ops-flow-${tag}`;
    const yubl = await posts(author, `for the ops plane ${tag}`, { 'x-correlation-id': correlationId });

    const lines = await eventually(async () => {
      const found = jsonLines(await buildSh(['logs', '--stage', stage, '--correlation-id', correlationId, '--json']));
      expect(found.map((line) => `${line.function}: ${line.message}`)).toEqual(
        expect.arrayContaining([`yubls-${stage}-post: yubl posted`, `feed-${stage}-distribute-yubl: yubl distributed`, `feed-${stage}-add-to-feed: yubl added to feeds`]),
      );
      return found;
    }, { timeout: 30_000, interval: 500 });
    for (const line of lines) expect(line).toMatchObject({ 'x-correlation-id': correlationId });
    expect(lines.filter((line) => line.yublId !== undefined).map((line) => line.yublId)).toEqual(expect.arrayContaining([yubl.id]));
    const times = lines.map((line) => Date.parse(line['@timestamp']));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The API's line starts the story: everything else follows from its Kinesis record. (distribute-yubl
    // writes its line once every page is out, so add-to-feed's may come before it: no order there.)
    expect(lines[0]!.function).toBe(`yubls-${stage}-post`);

    const { recipients } = lines.find((line) => line.message === 'yubl distributed')!;
    expect(recipients).toBeGreaterThanOrEqual(2); // the author and the follower
    await eventually(async () => expect(await distributed()).toBeGreaterThanOrEqual(distributedBefore + recipients), { timeout: 20_000, interval: 500 });
  });

  it('subscribes every group of the stage but ship-logs` own: a new one by the CreateLogGroup event, one the event missed by the sweep; a foreign filter is left alone', async () => {
    const probe = (name: string) => groupOf(`yubls-${stage}-probe${name}-${tag}`);
    const [eventPath, missed, afterMissed, foreign] = [probe('event'), probe('missed'), probe('after'), probe('foreign')];
    const foreignFilter = { filterName: `someone-elses-${tag}`, destinationArn: `arn:aws:kinesis:${cloud.region}:000000000000:stream/someone-elses-${tag}` };
    const created: string[] = [];
    const create = async (logGroupName: string) => {
      await logsClient.send(new CreateLogGroupCommand({ logGroupName }));
      created.push(logGroupName);
    };
    const subscribed = (logGroupName: string) =>
      eventually(async () => expect((await filtersOf(logGroupName)).filter(isShipLogs)).toHaveLength(1), { timeout: 10_000, interval: 100 });
    const { Rules = [] } = await eventBridge.send(new ListRulesCommand({ NamePrefix: `${opsFunction('subscribe-log-group')}-` }));
    expect(Rules).toHaveLength(1);
    const rule = Rules[0]!.Name!;

    try {
      expect(await filtersOf(shipLogsGroup)).toEqual([]);
      expect((await filtersOf(groupOf(`feed-${stage}-add-to-feed`))).filter(isShipLogs)).toHaveLength(1);

      await create(eventPath);
      await subscribed(eventPath);
      // The function puts the filter, then the retention: the second can land a moment after.
      await eventually(async () => {
        const { logGroups = [] } = await logsClient.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: eventPath }));
        expect(logGroups[0]?.retentionInDays).toBe(30);
      }, { timeout: 10_000, interval: 100 });

      await eventBridge.send(new DisableRuleCommand({ Name: rule }));
      try {
        await create(missed);
        await create(foreign);
        await logsClient.send(new PutSubscriptionFilterCommand({ logGroupName: foreign, filterPattern: '', ...foreignFilter }));
      } finally {
        await eventBridge.send(new EnableRuleCommand({ Name: rule }));
      }
      // Events are handled in order, one at a time: once a group created after the rule came back
      // is subscribed, the event path has had its chance at the one created while it was off.
      await create(afterMissed);
      await subscribed(afterMissed);
      expect(await filtersOf(missed)).toEqual([]);

      const counts = await invokeOps('sweep-log-groups', {});
      expect(counts).toMatchObject({ subscribed: expect.any(Number), 'left alone': expect.any(Number) });
      expect((await filtersOf(missed)).filter(isShipLogs)).toHaveLength(1);
      expect(await filtersOf(foreign)).toEqual([expect.objectContaining(foreignFilter)]);
      expect(await filtersOf(shipLogsGroup)).toEqual([]);
    } finally {
      await Promise.all(created.map((logGroupName) => logsClient.send(new DeleteLogGroupCommand({ logGroupName }))));
    }
  });

  it('stores each line of a payload delivered twice once', async () => {
    const logGroup = groupOf(`yubls-${stage}-probe-twice-${tag}`);
    const marker = `twice${tag}`;
    const { ids, event } = payloadOf(5, logGroup, marker);
    await invokeOps('ship-logs', event);
    await invokeOps('ship-logs', event);

    // By id, and by what the lines say: a second copy under any other id shows in the last two.
    const stored = async () => ({
      byId: (await documentsOf({ ids: { values: ids } })).map((hit) => hit._id).sort(),
      byMessage: await countOf({ match: { message: marker } }),
      byField: await countOf({ term: { 'probe.keyword': marker } }),
    });
    await eventually(async () => expect(await stored()).toEqual({ byId: [...ids].sort(), byMessage: ids.length, byField: ids.length }));
  });

  it('loses no line while the store refuses: each item retried, then dead-lettered, and `logs replay` ships them', async () => {
    const logGroup = groupOf(`yubls-${stage}-probe-refused-${tag}`);
    const marker = `refused${tag}`;
    const lines = 20;
    const { event } = payloadOf(lines, logGroup, marker);
    const startTime = Date.now();
    // Refused until switched off: every item is retried until ship-logs gives up, then dead-lettered.
    // (A fault for the next N items would be shared with whatever else the cloud ships meanwhile.)
    await storeFails({ status: 429, scope: 'items' });
    try {
      await invokeOps('ship-logs', event);
    } finally {
      await storeRecovers();
    }
    const summary = await shippingSummary(logGroup, startTime);
    expect(summary).toMatchObject({ events: lines, stored: 0, deadLettered: lines });
    expect(summary.retried).toBeGreaterThanOrEqual(lines);
    expect(await countOf({ term: { 'probe.keyword': marker } })).toBe(0);
    expect(await deadLetterQueueDepth(deadLetterQueueUrl)).toBeGreaterThan(0);

    const replay = JSON.parse(await buildSh(['logs', 'replay', '--stage', stage, '--json']));
    expect(replay.failed).toBe(0);
    expect(replay.replayed).toBeGreaterThanOrEqual(summary.deadLettered);
    await eventually(async () => expect(await countOf({ term: { 'probe.keyword': marker } })).toBe(lines));
    // The fault held for the whole cloud: other tests' lines shipped meanwhile were dead-lettered
    // too, some perhaps after this replay read the queue. Replaying again drains whatever is left.
    await eventually(async () => {
      expect(JSON.parse(await buildSh(['logs', 'replay', '--stage', stage, '--json'])).failed).toBe(0);
      expect(await deadLetterQueueDepth(deadLetterQueueUrl)).toBe(0);
    }, { timeout: 30_000, interval: 1_000 });
  });

  httpOnly('keeps the secrets the logger masks out of the store', async () => {
    const password = `Pw-${tag}-secret`;
    const correlationId = `ops-secret-${tag}`;
    const username = `ops_${tag}`;
    // Correlation ids and the user agent are on every line of the chain: the logger masks a
    // sensitive name, and a secret inside a value. The body (the password itself) is never logged.
    const headers = {
      'content-type': 'application/json',
      'x-correlation-id': correlationId,
      'x-correlation-password': password,
      'x-correlation-note': `password=${password}`,
      'user-agent': `ops-acceptance token=${password}`,
    };
    const signUp = await fetch(`${cloud.baseUrl}/users`, { method: 'POST', headers, body: JSON.stringify({ username, firstName: 'Ops', lastName: 'Test', password }) });
    expect(signUp.status).toBe(201);
    // A refusal writes a line in the users API itself.
    const wrongPassword = await fetch(`${cloud.baseUrl}/sessions`, { method: 'POST', headers, body: JSON.stringify({ username, password: `${password}-wrong` }) });
    expect(wrongPassword.status).toBe(401);

    const chain = await eventually(async () => {
      const found = await documentsOf({ term: { 'x-correlation-id.keyword': correlationId } });
      expect(found.map((hit) => hit._source.function)).toEqual(expect.arrayContaining([`users-${stage}-api`, `search-${stage}-index-user`]));
      return found;
    }, { timeout: 30_000, interval: 500 });
    // The headers did reach the store, masked: the search below is not empty for want of lines.
    // (The user agent is the request's own: the API's lines carry it, not those down the stream.)
    for (const { _source: stored } of chain) {
      // A line whose fields clash with the day's mapping is stored with them in `unmappedFields`
      // (ship-logs' fallback, services/ops/README.md): masked there as well.
      const line = { ...(stored.unmappedFields ? JSON.parse(stored.unmappedFields) : {}), ...stored };
      expect(line).toMatchObject({ 'x-correlation-password': '***', 'x-correlation-note': 'password=***' });
      if (line.function === `users-${stage}-api`) expect(line['user-agent']).toBe('ops-acceptance token=***');
    }

    expect(await countOf({ match: { message: password } })).toBe(0);
    expect(await countOf({ match: { 'x-correlation-password': password } })).toBe(0);
    // Every field of every line stored since the chain began, read whole.
    const since = chain[0]!._source['@timestamp'];
    const recent = await documentsOf({ range: { '@timestamp': { gte: since } } });
    expect(recent.length).toBeGreaterThanOrEqual(chain.length);
    expect(recent.filter((hit) => JSON.stringify(hit._source).includes(password)).map((hit) => hit._id)).toEqual([]);
  });
});
