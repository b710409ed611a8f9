// Lambda's control plane has no local stand-in: the client is mocked with aws-sdk-client-mock, as
// a small account whose lists page the way Lambda's do (MaxItems, Marker -> NextMarker).
// Cases from the version pruners' bug reports: only the first 50 versions read, versions sorted as
// text ("10" before "9"), a keep count that kept nothing, Lambda@Edge replicas that refuse
// deletion and stopped the run, throttling mid-run.
import {
  DeleteFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  ResourceConflictException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaJanitorPorts, withBackoff, type BackoffPolicy } from '../../src/adapters/lambda';
import { InvalidKeepCountError, planPruning, pruneStage } from '../../src/janitor';

interface FakeFunction {
  name: string;
  stage?: string;
  versions: number;
  aliases?: { Name: string; FunctionVersion: string; RoutingConfig?: { AdditionalVersionWeights: Record<string, number> } }[];
  provisioned?: string[];
}

const arn = (name: string, qualifier?: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}${qualifier ? `:${qualifier}` : ''}`;

/** One page of `items` from Marker (an index), as Lambda pages: MaxItems at most 50. */
function page<T>(items: T[], input: { Marker?: string; MaxItems?: number }) {
  const start = Number(input.Marker ?? 0);
  const size = Math.min(input.MaxItems ?? 50, 50);
  const next = start + size < items.length ? String(start + size) : undefined;
  return { items: items.slice(start, start + size), NextMarker: next };
}

const client = new LambdaClient({ region: 'eu-west-1' });
const lambda = mockClient(client);
const sleeps: number[] = [];
const backoff: BackoffPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, sleep: async (ms) => void sleeps.push(ms) };

function account(functions: FakeFunction[]) {
  const deleted: string[] = [];
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const live = (fn: FakeFunction) => ['$LATEST', ...Array.from({ length: fn.versions }, (_, i) => String(i + 1))].filter((v) => !deleted.includes(`${fn.name}:${v}`));
  lambda.on(ListFunctionsCommand).callsFake((input) => {
    const { items, NextMarker } = page(functions, input);
    return { Functions: items.map((fn) => ({ FunctionName: fn.name, FunctionArn: arn(fn.name) })), NextMarker };
  });
  lambda.on(ListTagsCommand).callsFake(({ Resource }) => {
    const fn = functions.find((f) => arn(f.name) === Resource)!;
    return { Tags: fn.stage ? { stage: fn.stage, service: fn.name.split('-')[0] } : {} };
  });
  lambda.on(ListVersionsByFunctionCommand).callsFake((input) => {
    const fn = byName.get(input.FunctionName)!;
    const { items, NextMarker } = page(live(fn), input);
    return { Versions: items.map((Version) => ({ Version, FunctionArn: arn(fn.name, Version) })), NextMarker };
  });
  lambda.on(ListAliasesCommand).callsFake((input) => {
    const { items, NextMarker } = page(byName.get(input.FunctionName)!.aliases ?? [], input);
    return { Aliases: items, NextMarker };
  });
  lambda.on(ListProvisionedConcurrencyConfigsCommand).callsFake((input) => {
    const fn = byName.get(input.FunctionName)!;
    const { items, NextMarker } = page(fn.provisioned ?? [], input);
    return { ProvisionedConcurrencyConfigs: items.map((q) => ({ FunctionArn: arn(fn.name, q) })), NextMarker };
  });
  lambda.on(DeleteFunctionCommand).callsFake(({ FunctionName, Qualifier }) => {
    if (!Qualifier) throw new Error('the janitor deleted a whole function');
    deleted.push(`${FunctionName}:${Qualifier}`);
    return {};
  });
  return { deleted };
}

const ports = () => lambdaJanitorPorts('dev', client, backoff);

beforeEach(() => {
  lambda.reset();
  sleeps.length = 0;
});

describe('planPruning', () => {
  it('keeps $LATEST, the newest N and nothing else, counting versions as numbers', () => {
    const versions = ['$LATEST', ...Array.from({ length: 12 }, (_, i) => String(i + 1))];
    const plan = planPruning({ versions, aliases: [], provisioned: [] }, 3);
    expect(plan.remove).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(plan.keep.map((k) => k.version).sort()).toEqual(['$LATEST', '10', '11', '12']);
  });

  it('keeps both versions of a weighted alias, and provisioned versions, besides the newest', () => {
    const plan = planPruning(
      {
        versions: ['$LATEST', '1', '2', '3', '4', '5', '6', '7'],
        aliases: [{ name: 'live', version: '2', additionalVersions: ['4'] }],
        provisioned: ['1', 'live'],
      },
      1,
    );
    expect(plan.remove).toEqual(['3', '5', '6']);
    expect(Object.fromEntries(plan.keep.map((k) => [k.version, k.because]))).toEqual({ '$LATEST': '$LATEST', '1': 'provisioned concurrency', '2': 'alias', '4': 'alias', '7': 'newest' });
  });

  it('refuses a keep count that would keep nothing, before anything is deleted', () => {
    for (const keep of [0, -1, Number.NaN, 2.5]) expect(() => planPruning({ versions: ['$LATEST', '1'], aliases: [], provisioned: [] }, keep)).toThrow(InvalidKeepCountError);
  });
});

describe('pruneStage on Lambda', () => {
  it('reads every page: 120 versions, aliases and functions past the first 50', async () => {
    const many = Array.from({ length: 55 }, (_, i) => ({ name: `feed-dev-f${i}`, stage: 'dev', versions: 1 }));
    const aliases = Array.from({ length: 60 }, (_, i) => ({ Name: `a${i}`, FunctionVersion: String(i + 1) }));
    const { deleted } = account([...many, { name: 'yubls-dev-post', stage: 'dev', versions: 120, aliases }]);
    const reports = await pruneStage(ports(), { keepNewest: 3, dryRun: false });
    expect(reports).toHaveLength(56);
    // versions 1..60 are aliased (the last alias on the second page), 118..120 the newest
    expect(deleted.filter((d) => d.startsWith('yubls-dev-post:'))).toEqual(Array.from({ length: 57 }, (_, i) => `yubls-dev-post:${i + 61}`));
    expect(lambda.commandCalls(ListVersionsByFunctionCommand, { FunctionName: 'yubls-dev-post' })).toHaveLength(3);
    expect(lambda.commandCalls(ListAliasesCommand, { FunctionName: 'yubls-dev-post' })).toHaveLength(2);
  });

  it('keeps every version a weighted alias routes to, and versions with provisioned concurrency', async () => {
    const { deleted } = account([
      { name: 'users-dev-api', stage: 'dev', versions: 9, aliases: [{ Name: 'live', FunctionVersion: '6', RoutingConfig: { AdditionalVersionWeights: { '3': 0.1 } } }], provisioned: ['1'] },
    ]);
    await pruneStage(ports(), { keepNewest: 2, dryRun: false });
    expect(deleted).toEqual(['users-dev-api:2', 'users-dev-api:4', 'users-dev-api:5', 'users-dev-api:7']);
  });

  it("touches only the stage's functions: by name and by its stage tag", async () => {
    const { deleted } = account([
      { name: 'feed-dev-get', stage: 'dev', versions: 5 },
      { name: 'feed-prod-get', stage: 'prod', versions: 5 },
      { name: 'feed-feature-dev-x-get', stage: 'feature-dev-x', versions: 5 },
      { name: 'legacy-dev-thing', versions: 5 },
    ]);
    const reports = await pruneStage(ports(), { keepNewest: 3, dryRun: false });
    expect(reports.map((r) => r.functionName)).toEqual(['feed-dev-get']);
    expect(deleted).toEqual(['feed-dev-get:1', 'feed-dev-get:2']);
  });

  it('backs off on TooManyRequestsException, longer each time and at least retryAfterSeconds, then goes on', async () => {
    const { deleted } = account([{ name: 'feed-dev-get', stage: 'dev', versions: 4 }]);
    const throttled = (retryAfterSeconds?: string) => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {}, retryAfterSeconds });
    lambda.on(ListVersionsByFunctionCommand).rejectsOnce(throttled()).rejectsOnce(throttled('0.5')).callsFake(() => ({ Versions: ['$LATEST', '1', '2', '3', '4'].map((Version) => ({ Version })) }));
    await pruneStage(ports(), { keepNewest: 3, dryRun: false });
    expect(sleeps).toEqual([100, 500]);
    expect(deleted).toEqual(['feed-dev-get:1']);
  });

  it('gives up after the last attempt, with the throttling error', async () => {
    const error = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    await expect(withBackoff(() => Promise.reject(error), backoff)).rejects.toBe(error);
    expect(sleeps).toEqual([100, 200, 400, 800]);
  });

  it('goes on past a version Lambda refuses (a Lambda@Edge replica), and reports it', async () => {
    const { deleted } = account([{ name: 'feed-dev-get', stage: 'dev', versions: 5 }]);
    lambda
      .on(DeleteFunctionCommand, { FunctionName: 'feed-dev-get', Qualifier: '1' })
      .rejects(new ResourceConflictException({ message: 'Lambda was unable to delete it because it is a replicated function', $metadata: {} }));
    const [report] = await pruneStage(ports(), { keepNewest: 3, dryRun: false });
    expect(deleted).toEqual(['feed-dev-get:2']);
    expect(report!.refused.map((r) => r.version)).toEqual(['1']);
  });

  it('deletes nothing on a dry run, and reports what it would delete', async () => {
    const { deleted } = account([{ name: 'feed-dev-get', stage: 'dev', versions: 6 }]);
    const [report] = await pruneStage(ports(), { keepNewest: 3, dryRun: true });
    expect(report!.removed).toEqual(['1', '2', '3']);
    expect(deleted).toEqual([]);
    expect(lambda.commandCalls(DeleteFunctionCommand)).toHaveLength(0);
  });
});
