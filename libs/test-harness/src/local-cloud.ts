import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The AWS services a local cloud emulates, each at the endpoint an SDK v3 client is given. */
export type LocalAwsService = 'kinesis' | 'dynamodb' | 'kms' | 'sns' | 'sqs' | 'logs' | 'eventbridge' | 'lambda' | 'cloudwatch' | 'iotdata';

/** What a running local cloud publishes in its state directory's endpoints.json. */
export interface LocalCloudEndpoints {
  baseUrl: string;
  stage: string;
  region: string;
  apiKeys: Record<string, string>;
  /**
   * `opensearch` is the stand-in for the stage's OpenSearch domain: a REST endpoint, no SDK's;
   * `partner` the stand-in for the streaming partner's API (scripts/local-cloud/src/stand-ins/partner.js);
   * `mqtt` the broker's WebSocket URL (the gateway's /mqtt).
   */
  endpoints: Record<LocalAwsService | 'opensearch' | 'partner' | 'mqtt', string>;
  /** the AWS_ENDPOINT_URL_* variables that point SDK clients at these endpoints */
  endpointEnvironment: Record<string, string>;
  services: Record<string, { http: string; lambda: string }>;
}

const repoRoot = resolve(__dirname, '../../..');

/** The state directory of the local cloud the tests run against: ./build.sh test sets it. */
export const localCloudStateDir = (): string => process.env.LOCAL_CLOUD_STATE_DIR ?? join(repoRoot, '.local');

/**
 * Reads a running local cloud's endpoints, or says how to start one. Against a deployed stage
 * (./build.sh test acceptance --stage dev sets TEST_BASE_URL and TEST_STAGE) it describes that
 * stage instead: its base URL, its API keys from the environment, and no emulator endpoints, so
 * that SDK clients go to AWS with the operator's profile.
 */
export function localCloud(stateDir = localCloudStateDir()): LocalCloudEndpoints {
  // A deployed stage always wins over a local endpoints file: "acceptance on dev" must never test a
  // developer's laptop because a local cloud happens to be running there.
  if (process.env.TEST_BASE_URL) return deployedStage(process.env.TEST_BASE_URL);
  return runningCloud(stateDir);
}

/** The endpoints a local cloud running from `stateDir` published. */
function runningCloud(stateDir: string): LocalCloudEndpoints {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as LocalCloudEndpoints;
  } catch {
    throw new Error(
      `no local cloud is running from ${stateDir}: run these tests with ./build.sh test, or start one with ./build.sh deploy --stage local --detach`,
    );
  }
}

/** A deployed stage as the tests see it: its base URL, its API keys from the environment, no emulators. */
function deployedStage(baseUrl: string): LocalCloudEndpoints {
  return {
    baseUrl,
    stage: process.env.TEST_STAGE ?? 'dev',
    region: process.env.AWS_REGION ?? 'eu-west-1',
    apiKeys: { 'config-read': process.env.API_KEY_CONFIG_READ ?? '', 'config-admin': process.env.API_KEY_CONFIG_ADMIN ?? '', partner: process.env.API_KEY_PARTNER ?? '' },
    endpoints: {} as LocalCloudEndpoints['endpoints'],
    endpointEnvironment: {},
    services: {},
  };
}

/** Client settings for the SDK v3 against a local cloud: its endpoint for `service`, throwaway credentials. */
export function localClientConfig(service: LocalAwsService, cloud = localCloud()) {
  const endpoint = cloud.endpoints[service];
  // A deployed stage has no emulator endpoints: the SDK's own endpoint and credentials apply.
  return endpoint ? { region: cloud.region, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : { region: cloud.region };
}

const cli = join(repoRoot, 'scripts/local-cloud/bin/local-cloud.js');

export interface StartedCloud {
  cloud: LocalCloudEndpoints;
  stateDir: string;
  /** the arguments it was started with, to try starting it again */
  args: string[];
  /** everything the cloud and its functions printed so far */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Where each test's own cloud (or process) sits above the test cloud's port base
 * (TEST_CLOUD_PORT_BASE, 5000 by default): one table, because build.sh runs the integration and
 * acceptance files side by side and a cloud spans 300 ports from its base. Two checkouts running
 * their suites at once each take their own base.
 */
export const TEST_PORT_OFFSETS = {
  'fixture-cloud': 2000,
  serve: 2500,
  'faults-cloud': 3000,
  'wrapper-fixture-cloud': 4000,
} as const;

/** The first port of `name`'s block (TEST_PORT_OFFSETS). */
export const testPortBase = (name: keyof typeof TEST_PORT_OFFSETS): number => Number(process.env.TEST_CLOUD_PORT_BASE ?? 5000) + TEST_PORT_OFFSETS[name];

/**
 * Starts a local cloud of its own for a test file, with only `projects` (and the shared stack), the
 * way ./build.sh does, through the command line; returns once it is ready, its ports at
 * TEST_PORT_OFFSETS[name] above the test cloud's.
 */
export async function startLocalCloud({ projects, name }: { projects: string[]; name: Exclude<keyof typeof TEST_PORT_OFFSETS, 'serve'> }): Promise<StartedCloud> {
  const portBase = testPortBase(name);
  const stateDir = join(repoRoot, '.local', name);
  const args = ['--port-base', String(portBase), '--state-dir', stateDir, ...projects.flatMap((project) => ['--project', resolve(repoRoot, project)])];
  await run(process.execPath, [cli, 'stop', '--state-dir', stateDir]);
  await run(process.execPath, [cli, 'up', '--detach', ...args], { timeout: 310_000 }); // past the CLI's own 5 minutes
  return {
    cloud: runningCloud(stateDir),
    stateDir,
    args,
    log: () => readFileSync(join(stateDir, 'local-cloud.log'), 'utf8'),
    stop: async () => {
      await run(process.execPath, [cli, 'stop', '--state-dir', stateDir]);
    },
  };
}

/** Runs the local cloud's command line (`up`, `stop`, …), for tests of the command line itself. */
export const localCloudCli = (args: string[]) => run(process.execPath, [cli, ...args]);

/**
 * Points this process at a local cloud the way the cloud points its functions: the standard
 * AWS_ENDPOINT_URL_* variables, throwaway credentials, the region, the API base URL, OPENSEARCH_URL, and `extra`
 * (a service's own variables, such as its table names). For handler-mode tests.
 */
export function useLocalCloudEnvironment(extra: Record<string, string> = {}, cloud = localCloud()): LocalCloudEndpoints {
  const local = Object.keys(cloud.endpoints).length > 0;
  Object.assign(process.env, {
    AWS_REGION: cloud.region,
    ...(local ? { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } : {}),
    API_BASE_URL: cloud.baseUrl,
    ...cloud.endpointEnvironment,
    ...(cloud.endpoints.opensearch ? { OPENSEARCH_URL: cloud.endpoints.opensearch } : {}),
    ...extra,
  });
  return cloud;
}

/** Everything the local cloud and its functions printed so far (its log file, when detached). */
export const localCloudLog = (stateDir = localCloudStateDir()): string => {
  try {
    return readFileSync(join(stateDir, 'local-cloud.log'), 'utf8');
  } catch {
    return '';
  }
};

/**
 * The JWT secret the local cloud seeded, to make tokens in tests: read through the config API with
 * the read key, as any function reads it, and decrypted with KMS under its encryption context.
 */
export async function localJwtSecret(cloud = localCloud()): Promise<string> {
  const { DecryptCommand, KMSClient } = await import('@aws-sdk/client-kms');
  const response = await fetch(`${cloud.baseUrl}/config/auth/jwt-secret`, { headers: { 'x-api-key': cloud.apiKeys['config-read']! } });
  if (!response.ok) throw new Error(`GET /config/auth/jwt-secret answered ${response.status}`);
  const entry = (await response.json()) as { value: string };
  const kms = new KMSClient(localClientConfig('kms', cloud));
  const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(entry.value, 'base64'), EncryptionContext: { service: 'auth', key: 'jwt-secret' } }));
  return Buffer.from(Plaintext!).toString('utf8');
}
