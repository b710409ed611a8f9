#!/usr/bin/env node
'use strict';

// ./build.sh serve --service NAME [--port P] [--stage S]: every function of one service in one
// long-lived process (scripts/serve/README.md). Against the running local cloud (stage local, the
// default) the service gets the cloud's endpoints, keys and rendered variables, as its Lambda
// functions there have them; on another stage, the environment must give them.
//   serve --service NAME | --dir DIR  [--port 8080] [--host 127.0.0.1] [--stage local] [--state-dir .local] [--label]

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { keyHashes } = require('../../api-key-hashes');
const { root } = require('../../local-cloud/src/projects');
const { loadService } = require('../src/service');
const { createServedServer } = require('../src/server');

const { values } = parseArgs({
  options: {
    service: { type: 'string' },
    dir: { type: 'string' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    stage: { type: 'string', default: 'local' },
    region: { type: 'string', default: process.env.AWS_REGION ?? 'eu-west-1' },
    'state-dir': { type: 'string', default: process.env.LOCAL_CLOUD_STATE_DIR ?? path.join(root, '.local') },
  },
});
const fail = (message) => {
  process.stderr.write(`serve: ${message}\n`);
  process.exit(1);
};
const say = (line) => process.stderr.write(`[serve] ${line}\n`);

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * What the running local cloud gives a service's functions: its endpoints, region and dummy
 * credentials, API_BASE_URL, and its generated API keys (unless the environment has API_KEY_*
 * of its own), as environment variables; the resolved configuration and rendered variables it cached.
 */
function localCloudParts(stateDir, serviceName) {
  const endpoints = readJson(path.join(stateDir, 'endpoints.json'));
  if (!endpoints) fail(`no local cloud is running with state in ${stateDir} (start one with ./build.sh deploy --stage local --detach), or pass --stage`);
  const own = Object.keys(process.env).some((name) => /^API_KEY_[A-Z0-9_]+$/.test(name) && !name.endsWith('_SHA256'));
  const keys = own ? {} : Object.fromEntries(Object.entries(endpoints.apiKeys).map(([name, value]) => [`API_KEY_${name.toUpperCase().replace(/-/g, '_')}`, value]));
  const env = {
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...endpoints.endpointEnvironment,
    API_BASE_URL: endpoints.baseUrl,
    OPENSEARCH_URL: endpoints.endpoints.opensearch,
    ...keys,
    ...keyHashes(keys),
  };
  delete process.env.AWS_PROFILE;
  const served = endpoints.services?.[serviceName] ?? {};
  // The cached configuration was resolved with the cloud's keys: with keys of its own, print afresh.
  const config = own ? undefined : readJson(path.join(stateDir, 'configs', `${serviceName}.json`));
  return { env, config, rendered: served.functionEnvironment, eventSourceArns: served.eventSourceArns };
}

async function main() {
  if (!values.service === !values.dir) fail('name the service: --service NAME (or --dir DIR)');
  const dir = path.resolve(values.dir ?? path.join(root, 'services', values.service));
  if (!fs.existsSync(path.join(dir, 'serverless.yml'))) fail(`no serverless.yml in ${dir}`);
  const name = path.basename(dir);
  const local = values.stage === 'local' && !values.dir ? localCloudParts(path.resolve(values['state-dir']), name) : { env: {} };
  Object.assign(process.env, local.env);

  const started = Date.now();
  const service = await loadService({ dir, stage: values.stage, region: values.region, config: local.config, rendered: local.rendered, env: process.env });
  for (const variable of service.conflicts) say(`warning: functions set ${variable} differently; one process gives them all one value`);
  service.load();
  const served = createServedServer({ service, eventSourceArns: local.eventSourceArns, log: say });
  await new Promise((resolve, reject) => {
    served.server.once('error', reject);
    served.server.listen(Number(values.port), values.host, resolve);
  });
  const { port } = served.server.address();
  say(`${service.name} (${values.stage}): ${service.functions.size} functions, ${service.routes.length} routes, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`SERVING http://${values.host}:${port}\n`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: draining ${served.inFlight()} request(s) in flight`);
    // Longest function timeout: past it nothing in flight can still be answered.
    const longest = Math.max(...[...service.functions.values()].map((fn) => fn.timeoutSeconds));
    const timer = setTimeout(() => {
      say(`requests still in flight after ${longest} s; exiting`);
      process.exit(1);
    }, longest * 1000 + 1000);
    await served.drain();
    clearTimeout(timer);
    say('drained; exiting');
    process.exit(0);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => fail(error.stack ?? error.message));
