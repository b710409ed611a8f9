'use strict';

// The local cloud: the shared stack and every service on one machine, with AWS's semantics.
// Start order: emulators -> resources (shared stack first) -> one serverless-offline per service
// -> event-source mappings -> gateway ready. Stop undoes it all and frees every port.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { writeAtomically } = require('./write-atomically');
const { keyHashes } = require('../../api-key-hashes');
const { createClients } = require('./aws-clients');
const { spawnNode, killGroup, alive } = require('./children');
const { answersHttp, createSupervisor } = require('./supervisor');
const { createCloudWatchLogs } = require('./emulators/cloudwatch-logs');
const { createEventBridge } = require('./event-sources/eventbridge');
const { createLogSubscriptions } = require('./event-sources/cloudwatch-logs');
const { createAwsEndpoint } = require('./emulators/aws-endpoint');
const { createCloudWatch } = require('./emulators/cloudwatch');
const { createKms } = require('./emulators/kms');
const { createOpenSearch } = require('./emulators/opensearch');
const { createSns } = require('./emulators/sns');
const { createSqs } = require('./emulators/sqs');
const { ASYNC_RETRY_DELAY_MS, createLambdaInvoker } = require('./lambda-invoker');
const { createGateway, createLambdaRouter } = require('./gateway');
const { declaredGatewayResponses } = require('./gateway-responses');
const { render } = require('./intrinsics');
const { kinesisMappingFrom, startKinesisMapping } = require('./event-sources/kinesis');
const { startOffline, waitForPorts } = require('./offline');
const { portsFor } = require('./ports');
const { discoverProjects, resolveConfig, routesOf } = require('./projects');
const { createRegistry, createResources, recreateResources } = require('./resources');
const { rewriteSeeds, writeSeeds } = require('./seeds');
const { createServedServices, FORWARDING_REFRESH_SECONDS } = require('./served');
const { createSnsDelivery } = require('./event-sources/sns');
const { StartTimings } = require('./start-timings');
const { createPartnerStandIn } = require('./stand-ins/partner');

const ACCOUNT_ID = '000000000000';
const EMULATOR = path.join(__dirname, 'emulators', 'run-emulator.js');

/** @param {import('node:http').Server} server @param {number} port @returns {Promise<void>} */
function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', (/** @type {NodeJS.ErrnoException} */ error) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use (another local cloud, or another program)`) : error),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

const closeServer = (/** @type {import('node:http').Server} */ server) => new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
  server.closeAllConnections?.();
  server.close(() => resolve());
});

/**
 * The environment variables of each function whose value is an intrinsic (`Ref: Topic`), rendered
 * with what the local cloud created; serverless-offline cannot render them (offline-preload.js
 * hands these to the function).
 * @param {any} config a resolved serverless config
 * @param {(value: unknown) => unknown} renderHere
 * @returns {Record<string, Record<string, string>>}
 */
function renderedEnvironment(config, renderHere) {
  /** @type {Record<string, Record<string, string>>} */
  const result = {};
  for (const [functionKey, definition] of Object.entries(/** @type {Record<string, any>} */ (config.functions ?? {}))) {
    const merged = { ...config.provider.environment, ...definition.environment };
    /** @type {Record<string, string>} */
    const rendered = {};
    for (const [name, value] of Object.entries(merged)) {
      if (value !== null && typeof value === 'object') rendered[name] = String(renderHere(value));
    }
    if (Object.keys(rendered).length > 0) result[functionKey] = rendered;
  }
  return result;
}

/**
 * Values for every `${env:API_KEY_*}` a serverless.yml reads (an API key's value, or a client's
 * key to another service), generated per start and the same for every project, each with its
 * SHA-256 as API_KEY_*_SHA256, as build.sh provides them when deploying.
 * @param {import('./projects').Project[]} projects
 * @returns {Record<string, string>}
 */
function generateApiKeys(projects) {
  /** @type {Record<string, string>} */
  const keys = {};
  // A project's serverless.yml and what it shares with the others (services/common.yml).
  const files = new Set(projects.flatMap((project) => [path.join(project.dir, 'serverless.yml'), path.join(project.dir, '..', 'common.yml')]));
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const [, name = ''] of text.matchAll(/\$\{env:(API_KEY_[A-Z0-9_]+?)(?:_SHA256)?[,}]/g)) {
      keys[name] ??= crypto.randomBytes(24).toString('base64url');
    }
  }
  return { ...keys, ...keyHashes(keys) };
}

// The SDK's variable for a service's endpoint is named after its service id ("CloudWatch Logs").
/** @type {Record<string, string>} */
const ENDPOINT_VARIABLES = { logs: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', iotdata: 'AWS_ENDPOINT_URL_IOT_DATA_PLANE' };
const endpointVariable = (/** @type {string} */ service) => ENDPOINT_VARIABLES[service] ?? `AWS_ENDPOINT_URL_${service.toUpperCase()}`;

/**
 * Each service's configuration as `serverless print` resolved it, for a served instance to read (scripts/serve).
 * @param {string} stateDir
 * @param {{ project: { name: string }, config: unknown }[]} services
 */
function writeResolvedConfigs(stateDir, services) {
  const dir = path.join(stateDir, 'configs');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const { project, config } of services) fs.writeFileSync(path.join(dir, `${project.name}.json`), JSON.stringify(config));
}

/**
 * The state file of a cloud started from `stateDir`, if there is one.
 * @param {string} stateDir
 * @returns {{ pid: number, baseUrl: string, stage: string, children: number[] } | undefined} (children: every process group it started)
 */
function readState(stateDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, 'local-cloud.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Stops a local cloud started from `stateDir`, in this process or another. Returns false if none ran.
 * @param {string} stateDir
 * @param {{ timeoutMs?: number }} [options]
 */
async function stopRunningCloud(stateDir, { timeoutMs = 30_000 } = {}) {
  const state = readState(stateDir);
  if (!state) return false;
  if (alive(state.pid)) process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(state.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  // Children live in groups of their own: clean up after a supervisor that could not.
  for (const pid of [state.pid, ...(state.children ?? [])]) if (alive(pid)) killGroup(pid, 'SIGKILL');
  fs.rmSync(path.join(stateDir, 'local-cloud.json'), { force: true });
  fs.rmSync(path.join(stateDir, 'endpoints.json'), { force: true });
  return true;
}

/**
 * Starts a whole local cloud; resolves once it is ready, with what endpoints.json publishes and `stop`.
 * @param {object} options
 * @param {string} [options.stage]
 * @param {string} [options.region]
 * @param {number} [options.portBase]
 * @param {string} options.stateDir
 * @param {import('./projects').Project[]} [options.projects] the shared stack first
 * @param {(line: string) => void} [options.write]
 * @param {number} [options.asyncRetryDelayMs]
 * @param {{ service: string, delivery: string }[]} [options.serve]
 */
async function startCloud({
  stage = 'local',
  region = 'eu-west-1',
  portBase = 3000,
  stateDir,
  projects = discoverProjects(),
  write = (line) => process.stdout.write(`${line}\n`),
  asyncRetryDelayMs = Number(process.env.LOCAL_CLOUD_ASYNC_RETRY_DELAY_MS || ASYNC_RETRY_DELAY_MS),
  serve = [], // [{service, delivery: 'direct'|'forward'}]: served outside Lambda once ready (src/served.js)
}) {
  const timings = new StartTimings();
  const log = (/** @type {string} */ line) => write(`[local-cloud] ${line}`);
  const ports = portsFor(portBase);
  const baseUrl = `http://127.0.0.1:${ports.gateway}`;
  const statePath = path.join(stateDir, 'local-cloud.json');

  fs.mkdirSync(stateDir, { recursive: true });
  const previous = readState(stateDir);
  if (previous && alive(previous.pid)) {
    throw new Error(`a local cloud is already running (pid ${previous.pid}, ${previous.baseUrl}); stop it with ./build.sh stop`);
  }

  /** @type {Map<string, string>} */
  const parts = new Map();
  /** @type {(() => unknown)[]} */
  const stoppers = []; // run in reverse order on stop
  let status = 'starting';
  // The child processes, kept running: each restarted when it exits (src/supervisor.js); the state
  // file lists their pids as they change.
  /** @type {(number | undefined)[]} */
  let servedPids = []; // served services' processes (src/served.js), not supervised
  const supervisor = createSupervisor({ log, onChange: () => status !== 'stopping' && writeState() });
  // Atomically: `serve` and `stop`, in processes of their own, read it while it is rewritten (two
  // `serve`s side by side: the second read the first's half-written file as no cloud at all).
  const writeState = () => writeAtomically(statePath, JSON.stringify({ pid: process.pid, baseUrl, stage, children: [...supervisor.pids(), ...servedPids] }, null, 2));
  /** @type {Map<string, number>} */
  const inProcess = new Map(); // part -> the port of its server in this process
  /**
   * Each part's liveness as probed now (a child's process and ports, a server's port), and what a
   * restart of each child recovers and loses. `ready` only while every part answers.
   */
  async function health() {
    const now = new Map(parts);
    await Promise.all(
      [...parts.keys()].map(async (name) => {
        if (parts.get(name) !== 'ready') return; // still starting
        if (supervisor.has(name)) now.set(name, await supervisor.probe(name));
        else if (inProcess.has(name)) now.set(name, (await answersHttp(/** @type {number} */ (inProcess.get(name)))) ? 'ready' : 'not answering');
      }),
    );
    const allReady = [...now.values()].every((state) => state === 'ready');
    return { status: status === 'ready' && !allReady ? 'degraded' : status, stage, parts: Object.fromEntries(now), processes: supervisor.details() };
  }

  /** @type {Promise<void> | undefined} */
  let stopping;
  async function stop() {
    stopping ??= (async () => {
      status = 'stopping';
      supervisor.stopAll();
      for (const stopper of stoppers.reverse()) {
        try {
          await stopper();
        } catch (error) {
          log(`while stopping: ${/** @type {Error} */ (error).message}`);
        }
      }
      fs.rmSync(statePath, { force: true });
      fs.rmSync(path.join(stateDir, 'endpoints.json'), { force: true });
    })();
    return stopping;
  }

  try {
    writeState();
    const endpoints = {
      kinesis: `http://127.0.0.1:${ports.kinesis}`,
      dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
      kms: `http://127.0.0.1:${ports.aws}`,
      sns: `http://127.0.0.1:${ports.aws}`,
      sqs: `http://127.0.0.1:${ports.aws}`,
      logs: `http://127.0.0.1:${ports.aws}`,
      eventbridge: `http://127.0.0.1:${ports.aws}`,
      lambda: `http://127.0.0.1:${ports.lambda}`,
      cloudwatch: `http://127.0.0.1:${ports.aws}`,
      iotdata: `http://127.0.0.1:${ports.iot}`,
    };
    // The OpenSearch domain is no AWS SDK endpoint (AWS_ENDPOINT_URL_OPENSEARCH names the control
    // plane's), so it is published beside the others and handed to services as OPENSEARCH_URL.
    const opensearchUrl = `http://127.0.0.1:${ports.opensearch}`;
    // The standard variables every SDK v3 client reads: functions never ask whether they are local.
    const endpointEnvironment = Object.fromEntries(Object.entries(endpoints).map(([service, url]) => [endpointVariable(service), url]));
    const awsEnv = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      // Functions run on Node 22 in AWS; here the SDK would warn about the machine's Node on every start.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...endpointEnvironment,
    };
    // Services reach each other through the gateway, as through the API's custom domain on AWS:
    // a serverless.yml reads it as ${env:API_BASE_URL, <the stage's domain>}.
    // FORWARDING_REFRESH_SECONDS: how soon a function sees its service's forward-to switch (src/served.js).
    const serviceEnv = { API_BASE_URL: baseUrl, OPENSEARCH_URL: opensearchUrl, FORWARDING_REFRESH_SECONDS: String(FORWARDING_REFRESH_SECONDS) };
    const clients = createClients({ region, endpoints });
    const registry = createRegistry({ region, accountId: ACCOUNT_ID });
    /** @type {{ fn: import('./lambda-invoker').LocalFunction, mapping: import('./event-sources/kinesis').KinesisMapping }[]} */
    const mappings = []; // every function's Kinesis mappings
    /** @type {ReturnType<typeof startKinesisMapping>[]} */
    let pollers = []; // their pollers, started again on a restarted Kinesis
    /** @type {Awaited<ReturnType<typeof writeSeeds>>} */
    let seeds = []; // the seeds as written, written again on a restarted DynamoDB

    // 1. The gateway first, so /health can say what is still starting.
    /** @type {Map<string, import('./lambda-invoker').LocalFunction>} */
    const functionsByName = new Map();
    /** @type {Map<string, import('./lambda-invoker').LocalFunction>} */
    const functionsByArn = new Map();
    const gateway = createGateway({ health, log });
    await listen(gateway.server, ports.gateway);
    stoppers.push(() => closeServer(gateway.server));

    // 2. Emulators. In memory: a restarted one has lost every record or item, and gets its
    // streams or tables again (the same names), the pollers or seeds that depend on them with them.
    /** @type {(kind: 'kinesis' | 'dynamodb' | 'iot', env?: NodeJS.ProcessEnv) => () => import('./supervisor').Handle} */
    const startEmulator = (kind, env = process.env) => () => {
      const emulator = spawnNode((line) => `[${kind}] ${line}`, [EMULATOR, kind, String(ports[kind])], { env, write });
      return {
        pid: emulator.child.pid,
        exited: emulator.exited,
        get running() {
          return emulator.running;
        },
        stop: () => emulator.stop(),
        ready: () => waitForPorts(`the ${kind} emulator`, emulator, [ports[kind]], 30_000),
      };
    };
    const emulatorsDone = timings.begin('emulators');
    const emulatorsReady = Promise.all([
      supervisor.keep('kinesis', {
        start: startEmulator('kinesis'),
        ports: [ports.kinesis],
        recover: async () => {
          await recreateResources(['AWS::Kinesis::Stream'], { clients, registry, region, accountId: ACCOUNT_ID });
          // The new streams' sequence numbers are not the old ones: every poller starts again at
          // the new stream's start (everything on it is new), the old ones left to end.
          const old = pollers;
          pollers = mappings.map(({ fn, mapping }) => startKinesisMapping({ kinesis: clients.kinesis, fn, mapping: { ...mapping, startingPosition: 'TRIM_HORIZON' }, invoker, log }));
          for (const poller of old) poller.stop();
        },
        recovers: 'its streams (the same names and shard counts, empty); every Kinesis mapping reads the new streams from their start',
        loses: 'every record on its streams, read or not: an event published and not yet delivered is gone (an event still in an outbox is published by its relay)',
      }),
      supervisor.keep('dynamodb', {
        start: startEmulator('dynamodb'),
        ports: [ports.dynamodb],
        recover: async () => {
          await recreateResources(['AWS::DynamoDB::Table'], { clients, registry, region, accountId: ACCOUNT_ID });
          await rewriteSeeds(seeds, log);
        },
        recovers: 'its tables (the same names, keys and indexes, empty) and the seeded config values (the same values, so tokens stay good)',
        loses: 'every item: users, relationships, yubls, feeds, outboxes, idempotency keys, config entries other than the seeds',
      }),
      // IoT Core (the MQTT broker and the data plane, src/emulators/iot.js): the gateway's /mqtt leads there.
      supervisor.keep('iot', {
        start: startEmulator('iot', { ...process.env, LOCAL_CLOUD_REGION: region, LOCAL_CLOUD_ACCOUNT_ID: ACCOUNT_ID, LOCAL_CLOUD_LAMBDA_ENDPOINT: endpoints.lambda }),
        ports: [ports.iot],
        recover: () => recreateResources(['AWS::IoT::Authorizer'], { clients, registry, region, accountId: ACCOUNT_ID }),
        recovers: 'its custom authorizers, registered again',
        loses: 'every connection, session, subscription and queued or retained message: apps reconnect and read GET /feed',
      }),
    ]);
    for (const kind of ['kinesis', 'dynamodb', 'iot']) {
      parts.set(kind, 'starting');
      stoppers.push(() => supervisor.stop(kind));
    }
    const sqs = createSqs({ region, accountId: ACCOUNT_ID, endpoint: () => endpoints.sqs });
    const kms = createKms({ region, accountId: ACCOUNT_ID });
    // sns is created just below, with the invoker its deliveries use
    const invoker = createLambdaInvoker({ sqs, sns: { publishToArn: (arn, message) => sns.publishToArn(arn, message) }, log, retryDelayMs: asyncRetryDelayMs });
    stoppers.push(() => invoker.stop());
    const sns = createSns({ region, accountId: ACCOUNT_ID, deliver: createSnsDelivery({ functionsByArn, invoker, sqs, log }) });
    const eventBridge = createEventBridge({ region, accountId: ACCOUNT_ID, invoker, log });
    stoppers.push(() => eventBridge.stop());
    const subscriptions = createLogSubscriptions({ accountId: ACCOUNT_ID, functionsByArn, invoker, log });
    stoppers.push(() => subscriptions.flushAll());
    // What each new log group's CreateLogGroup event caused (a subscription, say): start-up waits for
    // the groups it creates itself to be subscribed, not for what those deliveries set off in turn.
    /** @type {Promise<void>[]} */
    const groupAnnouncements = [];
    const logs = createCloudWatchLogs({
      region,
      accountId: ACCOUNT_ID,
      // Lambda creates a function's group on its first line; CloudTrail records the call.
      onGroupCreated: (group) => groupAnnouncements.push(eventBridge.apiCall({ eventSource: 'logs.amazonaws.com', eventName: 'CreateLogGroup', requestParameters: { logGroupName: group.name } })),
      onFilterPut: subscriptions.filterPut,
      onEvents: subscriptions.events,
    });
    const cloudwatch = createCloudWatch();
    const awsEndpoint = createAwsEndpoint({ kms, sqs, sns, logs, eventBridge, cloudwatch, log });
    await listen(awsEndpoint, ports.aws);
    stoppers.push(() => closeServer(awsEndpoint));
    for (const kind of ['kms', 'sns', 'sqs', 'logs', 'eventbridge', 'cloudwatch']) {
      parts.set(kind, 'ready');
      inProcess.set(kind, ports.aws);
    }
    const opensearch = createOpenSearch({ log });
    await listen(opensearch, ports.opensearch);
    stoppers.push(() => closeServer(opensearch));
    parts.set('opensearch', 'ready');
    inProcess.set('opensearch', ports.opensearch);
    const lambdaRouter = createLambdaRouter({ functionsByName, invoker, log });
    await listen(lambdaRouter, ports.lambda);
    stoppers.push(() => closeServer(lambdaRouter));
    parts.set('lambda', 'ready');
    inProcess.set('lambda', ports.lambda);
    await emulatorsReady;
    gateway.addUpgrade('/mqtt', ports.iot);
    for (const kind of ['kinesis', 'dynamodb', 'iot']) parts.set(kind, 'ready');
    emulatorsDone();

    // 3. Each project's configuration as the framework resolves it, then its resources.
    const apiKeys = generateApiKeys(projects);
    // The streaming partner, an external service: a stand-in that calls back through the gateway
    // with the partner's API key, and wants a key of its own on our calls (seeded for the partner service).
    const partnerUrl = `http://127.0.0.1:${ports.partner}`;
    const partnerApiKey = crypto.randomBytes(24).toString('base64url');
    const partnerStandIn = createPartnerStandIn({ validationUrl: () => `${baseUrl}/partner/validations`, validationKey: () => apiKeys.API_KEY_PARTNER ?? '', apiKey: partnerApiKey, log });
    await listen(partnerStandIn, ports.partner);
    stoppers.push(() => closeServer(partnerStandIn));
    parts.set('partner', 'ready');
    for (const project of projects) parts.set(project.shared ? 'stack:shared' : `service:${project.name}`, 'starting');
    const perStart = [...Object.keys(endpointEnvironment), ...Object.keys(serviceEnv), ...Object.keys(apiKeys)];
    const resolved = await Promise.all(
      projects.map((project) => timings.time(`print:${project.name}`, () => resolveConfig(project, { stage, region, env: { ...awsEnv, ...serviceEnv, ...apiKeys }, perStart }))),
    );
    const configs = resolved.map(({ config }) => config);
    const cachedPrints = projects.filter((_, index) => resolved[index]?.cached).map((project) => project.name);
    log(`serverless print: ${cachedPrints.length} of ${projects.length} from the cache${cachedPrints.length > 0 ? ` (${cachedPrints.join(', ')})` : ''}`);
    const resourcesDone = timings.begin('resources');
    for (const [index, project] of projects.entries()) {
      const skipped = await createResources(project, configs[index], { clients, registry, region, accountId: ACCOUNT_ID });
      if (skipped.length > 0) log(`${project.name}: not emulated (control plane only): ${skipped.join(', ')}`);
      if (project.shared) parts.set('stack:shared', 'ready');
    }

    resourcesDone();

    // 4. Functions, their SNS subscriptions and their Kinesis mappings.
    /** @type {Map<string, import('./lambda-invoker').LocalFunction>} */
    const functionsByKey = new Map();
    /** @type {{ fn: import('./lambda-invoker').LocalFunction, events: any }[]} */
    const ruleSources = [];
    /** @type {{ project: import('./projects').Project, config: any, ports: { http: number, lambda: number, websocket: number }, routes: ReturnType<typeof routesOf>, gatewayResponses: ReturnType<typeof declaredGatewayResponses>, functionEnv: Record<string, Record<string, string>> }[]} */
    const services = [];
    let serviceIndex = 0;
    for (const [index, project] of projects.entries()) {
      const config = configs[index];
      const functions = Object.entries(/** @type {Record<string, any>} */ (config.functions ?? {}));
      if (functions.length === 0) continue;
      const servicePorts = ports.service(serviceIndex++);
      const renderHere = (/** @type {unknown} */ value) => render(value, registry.lookupFor(project.name, `${config.service}-${stage}`));
      for (const [functionKey, definition] of functions) {
        const onFailure = definition.destinations?.onFailure;
        /** @type {import('./lambda-invoker').LocalFunction & { eventSourceArns: string[] }} */
        const fn = {
          key: `${project.name}/${functionKey}`,
          name: definition.name,
          arn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${definition.name}`,
          lambdaPort: servicePorts.lambda,
          timeoutSeconds: definition.timeout ?? config.provider.timeout ?? 6,
          maximumRetryAttempts: definition.maximumRetryAttempts ?? 2,
          maximumEventAge: definition.maximumEventAge,
          reservedConcurrency: definition.reservedConcurrency,
          onFailure: onFailure ? renderHere(typeof onFailure === 'string' ? onFailure : onFailure.arn) : undefined,
          eventSourceArns: [],
        };
        functionsByName.set(fn.name, fn);
        functionsByArn.set(fn.arn, fn);
        functionsByKey.set(fn.key, fn);
        ruleSources.push({ fn, events: definition.events });
        for (const event of definition.events ?? []) {
          if (event.sns) {
            const topicArn = typeof event.sns === 'string'
              ? (event.sns.startsWith('arn:') ? event.sns : sns.createTopic(event.sns))
              : event.sns.arn ? renderHere(event.sns.arn) : sns.createTopic(event.sns.topicName);
            if (event.sns.filterPolicy) log(`${fn.key}: SNS filter policies are not emulated; every message is delivered`);
            sns.subscribe(topicArn, 'lambda', fn.arn);
            fn.eventSourceArns.push(topicArn);
          }
          if (event.stream) {
            const stream = typeof event.stream === 'string' ? { arn: event.stream } : event.stream;
            if (stream.type === 'dynamodb' || String(renderHere(stream.arn)).includes(':dynamodb:')) {
              log(`${fn.key}: DynamoDB stream mappings are not emulated`);
              continue;
            }
            const mapping = kinesisMappingFrom(stream, { render: renderHere, region, accountId: ACCOUNT_ID });
            if (mapping.enabled) mappings.push({ fn, mapping });
            fn.eventSourceArns.push(mapping.streamArn);
          }
        }
      }
      services.push({ project, config, ports: servicePorts, routes: routesOf(config), gatewayResponses: declaredGatewayResponses(config), functionEnv: renderedEnvironment(config, renderHere) });
    }

    // 5. One serverless-offline per service, restarted when it exits (a function's invocations in
    // flight fail; asynchronous ones and Kinesis batches are retried as Lambda retries them).
    await Promise.all(services.map(async ({ project, ports: servicePorts, functionEnv, routes, gatewayResponses }) => {
      // The configuration was validated by its `serverless print` (offline-preload.js skips doing it again).
      const env = { ...awsEnv, ...serviceEnv, ...apiKeys, LOCAL_CLOUD_FUNCTION_ENV: JSON.stringify(functionEnv), LOCAL_CLOUD_ACCOUNT_ID: ACCOUNT_ID, LOCAL_CLOUD_CONFIG_VALIDATED: '1' };
      // Every line a function writes lands in its log group, a stream per worker, as on Lambda.
      /** @type {(functionKey: string, stream: string, line: string) => void} */
      const functionLine = (functionKey, stream, line) => {
        const fn = functionsByKey.get(`${project.name}/${functionKey}`);
        if (fn) logs.writeFunctionLine(fn.name, stream, line);
      };
      const name = `service:${project.name}`;
      stoppers.push(() => supervisor.stop(name));
      const offlineDone = timings.begin(`offline:${project.name}`);
      await supervisor.keep(name, {
        start: () => startOffline({ project, stage, region, ports: servicePorts, env, write, functionLine, serving: routes.length > 0 }),
        ports: routes.length > 0 ? [servicePorts.http, servicePorts.lambda] : [servicePorts.lambda],
        recovers: 'everything: its functions run again on the same ports (cold)',
        loses: 'the invocations in flight when it stopped (asynchronous ones and Kinesis batches are retried, as Lambda retries them; a synchronous caller gets an error)',
      });
      offlineDone();
      gateway.addRoutes(project.name, servicePorts.http, routes, gatewayResponses);
      parts.set(name, 'ready');
    }));
    for (const project of projects) if (!project.shared && !services.some((s) => s.project === project)) parts.set(`service:${project.name}`, 'ready');

    // 6. Event sources, once every function can be invoked.
    const eventSourcesDone = timings.begin('event-sources');
    pollers = mappings.map(({ fn, mapping }) => startKinesisMapping({ kinesis: clients.kinesis, fn, mapping, invoker, log }));
    stoppers.push(() => Promise.all(pollers.map((poller) => poller.stop())));
    for (const { fn, events } of ruleSources) eventBridge.addFunction(fn, events);
    // Every function's log group, as a deploy creates them (the framework declares one each), so
    // that whatever subscribes to new groups has done so before a function writes its first line.
    for (const fn of functionsByArn.values()) logs.createFunctionGroup(fn.name);
    await Promise.race([Promise.all(groupAnnouncements), new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
    parts.set('event-sources', 'ready');
    eventSourcesDone();
    log(`${functionsByArn.size} functions, ${mappings.length} Kinesis mappings, ${eventBridge.ruleCount()} EventBridge rules, ${services.length} services behind ${baseUrl}`);

    // 7. The values other services need (local-seeds.json), through the services' own APIs.
    parts.set('seeds', 'starting');
    seeds = await timings.time('seeds', () => writeSeeds({ projects, stage, baseUrl, kms: clients.kms, apiKeys, log, known: { 'partner-api-url': partnerUrl, 'partner-api-key': partnerApiKey } }));
    parts.set('seeds', 'ready');

    /** @type {Record<string, string>} */
    const apiKeysByName = {};
    for (const [name, value] of Object.entries(apiKeys)) {
      if (!name.endsWith('_SHA256')) apiKeysByName[name.replace(/^API_KEY_/, '').toLowerCase().replace(/_/g, '-')] = value;
    }
    const published = {
      baseUrl,
      stage,
      region,
      apiKeys: apiKeysByName,
      endpoints: { ...endpoints, opensearch: opensearchUrl, partner: partnerUrl, mqtt: `ws://127.0.0.1:${ports.gateway}/mqtt` },
      // What a process sets to point its SDK clients here, as the functions have it.
      endpointEnvironment,
      services: Object.fromEntries(
        services.map(({ project, ports: p, functionEnv }) => [
          project.name,
          {
            http: `http://127.0.0.1:${p.http}`,
            lambda: `http://127.0.0.1:${p.lambda}`,
            // What a served instance of the service needs that only this cloud knows (scripts/serve).
            functionEnvironment: functionEnv,
            eventSourceArns: Object.fromEntries(
              [...functionsByKey.values()].filter((fn) => fn.key.startsWith(`${project.name}/`)).map((fn) => [fn.key.slice(project.name.length + 1), fn.eventSourceArns]),
            ),
          },
        ]),
      ),
    };
    writeResolvedConfigs(stateDir, services);
    writeAtomically(path.join(stateDir, 'endpoints.json'), JSON.stringify(published, null, 2));
    writeState();

    // 8. Services served outside Lambda, now or later (PUT /_local/served/<service>).
    const served = createServedServices({
      services,
      functionsByKey,
      gateway,
      stateDir,
      baseUrl,
      projects,
      apiKeys,
      write,
      log,
      onChildren: (pids) => {
        servedPids = pids;
        writeState();
      },
    });
    gateway.setAdmin(served.admin);
    stoppers.push(() => served.stopAll());
    for (const { service, delivery } of serve) await served.start(service, delivery);
    for (const name of parts.keys()) if (parts.get(name) === 'starting') parts.set(name, 'ready');
    status = 'ready';
    log(`start-up breakdown (seconds from the start; phases overlap): ${timings.line()}`);
    return { ...published, timings: timings.toJSON(), stop };
  } catch (error) {
    status = 'failed';
    await stop();
    throw error;
  }
}

module.exports = { startCloud, stopRunningCloud, readState };
