'use strict';

// Real-time push (issue 11): 1,000 apps connected over MQTT on WebSocket through the gateway's
// /mqtt, all following one author; the author posts once; from the moment POST /yubls is sent,
// the time until each app has the yubl (p50, p99, max), and the apps that never get it within a
// minute (lost: must be 0). Then the broker's memory per connection (its process's resident set
// with the apps connected, less before they connected). Then, same run, with no app
// connected, the same kind of post: when push-to-feeds and add-to-feed have finished their
// fan-outs (from their log lines' timestamps), beside the same two figures with the apps connected, to show
// what the push costs when nobody listens and what listeners add.
// The machine is shared: figures are as measured, on whatever else it was doing.

const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const mqtt = require('mqtt');
const { aUser, followedBy, startBenchCloud, tokenSigner, writeResult } = require('./cloud');

const APPS = Number(process.env.BENCH_APPS ?? 1000);
// Each connect runs the authorizer; more at once would start as many cold workers on this machine.
const CONNECTING_AT_ONCE = 5;
const TARGET_SECONDS = 2;
const DEADLINE_MS = 60_000;

/** The broker's process: its resident set and connected clients (the IoT stand-in's /_local/stats). */
const brokerStats = async (cloud) => (await fetch(`${cloud.endpoints.iotdata}/_local/stats`)).json();
/**
 * CPU time (ms, user and system, all threads) used so far by the processes the fan-out runs in: the
 * IoT stand-in, and the serverless-offline of realtime (push-to-feeds' worker) and of feed
 * (distribute-yubl, add-to-feed); to say where a fan-out's time goes on a machine it shares.
 */
function fanOutCpuMs(bench) {
  const { children } = JSON.parse(fs.readFileSync(path.join(bench.stateDir, 'local-cloud.json'), 'utf8'));
  const ticksPerMs = 100 / 1000; // USER_HZ on Linux
  const cpu = {};
  for (const pid of children) {
    let name;
    try {
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (commandLine.includes('run-emulator.js\0iot')) name = 'iotStandIn';
      else if (commandLine.includes('offline')) name = { realtime: 'realtimeService', feed: 'feedService' }[path.basename(fs.readlinkSync(`/proc/${pid}/cwd`))];
      if (!name) continue;
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu[name] = (Number(fields[11]) + Number(fields[12])) / ticksPerMs; // utime, stime
    } catch {
      // a process that ended since the list was written
    }
  }
  return cpu;
}
const cpuSince = (before, after) => Object.fromEntries(Object.keys(after).map((name) => [name, Math.round(after[name] - (before[name] ?? 0))]));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const since = (started) => Number(process.hrtime.bigint() - started) / 1e6;

let connectRetries = 0;

async function connectApps(cloud, userIds, sign) {
  const apps = [];
  const connectOne = async (userId) => {
    // As an app does: a refused or failed connect is tried again (the authorizer's cold workers
    // can take longer than a connect on this machine); every retry is counted.
    let client;
    for (let attempt = 1; !client; attempt += 1) {
      try {
        client = await mqtt.connectAsync(cloud.endpoints.mqtt, { username: userId, password: await sign(userId), clientId: userId, reconnectPeriod: 0, connectTimeout: 30_000 });
      } catch (error) {
        if (attempt >= 5) throw error;
        connectRetries += 1;
      }
    }
    const app = { userId, client, arrivals: new Map() };
    client.on('message', (_topic, payload) => {
      const { yubl } = JSON.parse(payload.toString('utf8'));
      if (!app.arrivals.has(yubl.id)) app.arrivals.set(yubl.id, process.hrtime.bigint());
    });
    const [granted] = await client.subscribeAsync(`yubl/${cloud.stage}/users/${userId}/feed`, { qos: 1 });
    if (granted.qos !== 1) throw new Error(`${userId}: subscription refused`);
    apps.push(app);
  };
  // One first, alone, so that the authorizer has a warm worker before the others start.
  await connectOne(userIds[0]);
  let next = 1;
  const worker = async () => {
    while (next < userIds.length) await connectOne(userIds[next++]);
  };
  await Promise.all(Array.from({ length: CONNECTING_AT_ONCE }, worker));
  return apps;
}

async function post(cloud, author, text) {
  const response = await fetch(`${cloud.baseUrl}/yubls`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${author.token}` }, body: JSON.stringify({ text }) });
  if (response.status !== 201) throw new Error(`POST /yubls answered ${response.status}`);
  return response.json();
}

/**
 * When distribute-yubl had sent the yubl's messages, and push-to-feeds had published and
 * add-to-feed had written all `expected` for it: the timestamp of the log line that completed each,
 * in ms after `startedAtMs` (wall clock), so that a figure read after the apps' wait is still the
 * function's own, not the time it was read.
 */
async function fanOutTimes(bench, yublId, expected, startedAtMs) {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const done = {};
    let pushed = 0;
    let written = 0;
    for (const line of bench.log().split('\n')) {
      if (!line.includes(yublId)) continue;
      if (line.includes('"yubl distributed"')) done.distributed ??= Date.parse(JSON.parse(line.slice(line.indexOf('{'))).timestamp) - startedAtMs;
      const isPush = line.includes('"yubl pushed to apps"');
      if (!isPush && !line.includes('"yubl added to feeds"')) continue;
      const fields = JSON.parse(line.slice(line.indexOf('{')));
      const at = Date.parse(fields.timestamp) - startedAtMs;
      if (isPush && (pushed += fields.published) >= expected) done.pushed ??= at;
      if (!isPush && (written += fields.feeds) >= expected) done.written ??= at;
    }
    if (done.pushed !== undefined && done.written !== undefined) return { distributedMs: done.distributed, pushToFeedsDoneMs: done.pushed, addToFeedDoneMs: done.written };
    if (Date.now() > deadline) throw new Error(`fan-out of ${yublId} unfinished after ${DEADLINE_MS} ms: ${JSON.stringify({ pushed, written })}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main() {
  const bench = startBenchCloud();
  let apps = [];
  try {
    const { cloud } = bench;
    const author = await aUser(cloud.baseUrl, randomUUID().slice(0, 8));
    const followerIds = await followedBy(cloud, author, APPS);
    const sign = await tokenSigner(cloud);
    // One warm-up post, no app connected: the functions on the path are loaded once.
    const warm = await post(cloud, author, 'warm-up');
    await fanOutTimes(bench, warm.id, APPS + 1, Date.now());

    const rssBefore = (await brokerStats(cloud)).memory.rss;
    const connectStarted = process.hrtime.bigint();
    apps = await connectApps(cloud, followerIds, sign);
    const connectSeconds = since(connectStarted) / 1000;
    const connectedStats = await brokerStats(cloud);
    const rssConnected = connectedStats.memory.rss;
    if (connectedStats.connectedClients !== APPS) throw new Error(`the broker counts ${connectedStats.connectedClients} clients, not ${APPS}`);

    const cpuBefore = fanOutCpuMs(bench);
    const started = process.hrtime.bigint();
    const startedAtMs = Date.now();
    const yubl = await post(cloud, author, 'to a thousand open apps');
    const answeredMs = since(started);
    const loadAverage = os.loadavg().map((load) => Number(load.toFixed(1))); // the machine's, as `uptime` shows it
    const deadline = Date.now() + DEADLINE_MS;
    while (apps.some((app) => !app.arrivals.has(yubl.id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const latencies = apps.filter((app) => app.arrivals.has(yubl.id)).map((app) => Number(app.arrivals.get(yubl.id) - started) / 1e6).sort((a, b) => a - b);
    const lost = apps.length - latencies.length;
    const connected = { ...(await fanOutTimes(bench, yubl.id, APPS + 1, startedAtMs)), cpuMs: cpuSince(cpuBefore, fanOutCpuMs(bench)) };
    const extraDeliveries = apps.reduce((sum, app) => sum + [...app.arrivals.keys()].filter((id) => id !== yubl.id && id !== warm.id).length, 0);

    await Promise.all(apps.map((app) => app.client.endAsync()));
    apps = [];
    const quietCpuBefore = fanOutCpuMs(bench);
    const quietStartedAtMs = Date.now();
    const quiet = await post(cloud, author, 'to a thousand closed apps');
    const noneConnected = { ...(await fanOutTimes(bench, quiet.id, APPS + 1, quietStartedAtMs)), cpuMs: cpuSince(quietCpuBefore, fanOutCpuMs(bench)) };

    const round = (ms) => Math.round(ms);
    const result = {
      note: 'measured on a shared 2-core machine with other local clouds running; noisy',
      apps: APPS,
      loadAverageAtPost: loadAverage,
      connectSeconds: Number(connectSeconds.toFixed(1)),
      connectRetries,
      postAnsweredMs: round(answeredMs),
      receivedMs: latencies.length ? { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1)) } : null,
      lost,
      otherMessagesReceived: extraDeliveries,
      brokerMemory: { rssBeforeBytes: rssBefore, rssConnectedBytes: rssConnected, bytesPerConnection: Math.round((rssConnected - rssBefore) / APPS) },
      fanOutWithAppsConnected: connected,
      fanOutWithNoAppConnected: noneConnected,
      target: { allWithinSeconds: TARGET_SECONDS },
      met: latencies.length === APPS && latencies.at(-1) <= TARGET_SECONDS * 1000,
    };
    console.log(`${APPS} apps connected in ${result.connectSeconds} s; post answered in ${result.postAnsweredMs} ms`);
    console.log(`received: p50 ${result.receivedMs?.p50} ms, p99 ${result.receivedMs?.p99} ms, max ${result.receivedMs?.max} ms; lost ${lost}`);
    console.log(`broker memory: ${(result.brokerMemory.bytesPerConnection / 1024).toFixed(1)} KiB a connection (resident set of the broker's process)`);
    console.log(`fan-out (distributed / push-to-feeds done / add-to-feed done): connected ${connected.distributedMs} / ${connected.pushToFeedsDoneMs} / ${connected.addToFeedDoneMs} ms, none connected ${noneConnected.distributedMs} / ${noneConnected.pushToFeedsDoneMs} / ${noneConnected.addToFeedDoneMs} ms`);
    console.log(`target: every app within ${TARGET_SECONDS} s ${result.met ? 'met' : 'MISSED'}`);
    writeResult('realtime', result);
    if (lost > 0) throw new Error(`${lost} of ${APPS} apps never had the yubl`);
  } finally {
    await Promise.all(apps.map((app) => app.client.endAsync().catch(() => undefined)));
    bench.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
