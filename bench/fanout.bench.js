'use strict';

// Fan-out (issues 5 and 13): one yubl from an author with 10,000 followers, from POST /yubls until
// every follower's feed has it, on the local cloud; beside it, in the same run, dynalite's raw
// BatchWriteItem rate for the same 10,000 items, like with like: as many writers as add-to-feed's
// reserved concurrency (read from its serverless.yml), and the best of a sweep of writer counts.
// Both shares are reported. The fan-out runs twice: on the workers the cloud just started (`cold`),
// then on warm ones (the headline figures). Targets (issue 13): ≤ 3 s end to end, ≥ 50 % of the
// raw rate. "Has it" is read from the add-to-feed log lines ("yubl added to feeds", with the
// count) as they are appended, then checked, untimed, against the table. Each fan-out also reports
// where its time went: its timeline from the functions' log lines, each add-to-feed and
// push-to-feeds invocation's duration, and the CPU every process of the cloud used (cloudCpuMs) up
// to the last feed item and until push-to-feeds — the topic's other subscriber, which shares the
// machine's two cores on the way — had finished too.

const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const yaml = require('js-yaml');
const { ScanCommand } = require('@aws-sdk/lib-dynamodb');
const { aUser, batchWriteAll, cloudCpuMs, cpuSince, documentClient, followedBy, startBenchCloud, writeResult } = require('./cloud');

const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 10_000);
const WRITER_SWEEP = [1, 2, 4, 8, 16];

/** add-to-feed's reserved concurrency: at most this many of its writers run at once. */
function addToFeedConcurrency() {
  const config = yaml.load(fs.readFileSync(path.join(__dirname, '../services/feed/serverless.yml'), 'utf8'));
  const reserved = config.functions['add-to-feed'].reservedConcurrency;
  if (!Number.isInteger(reserved)) throw new Error('add-to-feed has no reservedConcurrency in services/feed/serverless.yml');
  return reserved;
}

async function main() {
  const bench = startBenchCloud();
  try {
    const { cloud } = bench;
    const client = documentClient(cloud);
    const author = await aUser(cloud.baseUrl, randomUUID().slice(0, 8).replace(/-/g, ''));
    const since = new Date().toISOString();
    const followerIds = await followedBy(cloud, author, FOLLOWERS);

    // Raw: the same number of feed items, written directly, a fresh yubl for each writer count.
    const reserved = addToFeedConcurrency();
    const rawSecondsByWriters = {};
    let rawCpuMs;
    for (const writers of [...new Set([reserved, ...WRITER_SWEEP])].sort((a, b) => a - b)) {
      const rawYubl = { id: `raw-${randomUUID()}`, authorId: author.id, text: 'raw', postedAt: since };
      const rawCpuBefore = cloudCpuMs(bench);
      const rawStarted = process.hrtime.bigint();
      await batchWriteAll(client, `feeds-${cloud.stage}`, [author.id, ...followerIds].map((userId) => ({ userId, yublId: rawYubl.id, yubl: rawYubl })), writers);
      rawSecondsByWriters[writers] = Number(process.hrtime.bigint() - rawStarted) / 1e9;
      if (writers === reserved) rawCpuMs = cpuSince(rawCpuBefore, cloudCpuMs(bench));
    }
    const rawSeconds = rawSecondsByWriters[reserved];
    const [bestWriters, bestRawSeconds] = Object.entries(rawSecondsByWriters).sort(([, a], [, b]) => a - b)[0];

    // End to end, twice: first on the workers the cloud just started (add-to-feed's and
    // push-to-feeds' first invocations load their code), then again, a second yubl to the same
    // followers, on warm workers — the steady state of a deployed stage. Each counts the feed items
    // from add-to-feed's log lines ("yubl added to feeds"), read as they are appended.
    const expected = FOLLOWERS + 1;
    const fanOut = async (text) => {
      const tail = bench.logTail();
      const cpuBefore = cloudCpuMs(bench);
      const startedAtMs = Date.now();
      const started = process.hrtime.bigint();
      const response = await fetch(`${cloud.baseUrl}/yubls`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${author.token}` }, body: JSON.stringify({ text }) });
      if (response.status !== 201) throw new Error(`POST /yubls answered ${response.status}`);
      const postAnsweredMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
      const yubl = await response.json();
      // The timeline, from the functions' own log lines (their timestamps, ms after the POST was
      // sent): when distribute-yubl had sent every page, when add-to-feed wrote its first and last
      // page, when push-to-feeds (the topic's other subscriber) had published to every feed.
      const timeline = { postAnsweredMs };
      // Each invocation's duration, as serverless-offline reports it, per function.
      const invocationMs = {};
      let written = 0;
      let pushed = 0;
      const read = () => {
        for (const line of tail()) {
          const duration = /\(λ: (add-to-feed|push-to-feeds)\) RequestId: \S+\s+Duration: ([\d.]+) ms/.exec(line);
          if (duration) (invocationMs[duration[1]] ??= []).push(Math.round(Number(duration[2])));
          if (!line.includes(yubl.id)) continue;
          const at = () => Date.parse(JSON.parse(line.slice(line.indexOf('{'))).timestamp) - startedAtMs;
          if (line.includes('"yubl distributed"')) timeline.distributedMs = at();
          else if (line.includes('"yubl added to feeds"')) {
            timeline.firstPageWrittenMs ??= at();
            written += JSON.parse(line.slice(line.indexOf('{'))).feeds;
            if (written >= expected) timeline.lastPageWrittenMs = at();
          } else if (line.includes('"yubl pushed to apps"')) {
            pushed += JSON.parse(line.slice(line.indexOf('{'))).published;
            if (pushed >= expected) timeline.pushedMs = at();
          }
        }
      };
      const deadline = Date.now() + 120_000;
      while (written < expected) {
        if (Date.now() > deadline) throw new Error(`only ${written} of ${expected} feed items after 120 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        read();
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpuMs = cpuSince(cpuBefore, cloudCpuMs(bench));
      // Untimed: push-to-feeds' share of the fan-out's CPU is read once it has finished too (or
      // has logged nothing for a minute: a cloud without it), so that the next fan-out does not
      // start beside the rest of this one's push (on a loaded machine a page's push took 15 s).
      let lastPushed = { count: pushed, at: Date.now() };
      while (pushed < expected && Date.now() - lastPushed.at < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        read();
        if (pushed > lastPushed.count) lastPushed = { count: pushed, at: Date.now() };
      }
      const cpuMsWithPush = cpuSince(cpuBefore, cloudCpuMs(bench));
      let stored = 0;
      let ExclusiveStartKey;
      do {
        const page = await client.send(new ScanCommand({ TableName: `feeds-${cloud.stage}`, FilterExpression: 'yublId = :y', ExpressionAttributeValues: { ':y': yubl.id }, Select: 'COUNT', ExclusiveStartKey }));
        stored += page.Count;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      if (stored !== expected) throw new Error(`the table holds ${stored} feed items for the yubl, not ${expected}`);
      return { seconds, stored, timeline, cpuMs, cpuMsWithPush, invocationMs };
    };
    const cold = await fanOut('to ten thousand feeds, on cold workers');
    const warm = await fanOut('to ten thousand feeds, on warm workers');
    const endToEndSeconds = warm.seconds;
    const stored = warm.stored;

    const rawRate = expected / rawSeconds;
    const bestRawRate = expected / bestRawSeconds;
    const endToEndRate = expected / endToEndSeconds;
    const coldRate = expected / cold.seconds;
    const result = {
      followers: FOLLOWERS,
      feedItems: expected,
      storedFeedItems: stored,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      cold: { endToEndSeconds: Number(cold.seconds.toFixed(3)), shareOfRawRate: Number((coldRate / rawRate).toFixed(3)), timeline: cold.timeline, cpuMs: cold.cpuMs, cpuMsWithPush: cold.cpuMsWithPush, invocationMs: cold.invocationMs },
      endToEndSeconds: Number(endToEndSeconds.toFixed(3)),
      endToEndItemsPerSecond: Math.round(endToEndRate),
      timeline: warm.timeline,
      cpuMs: warm.cpuMs,
      cpuMsWithPush: warm.cpuMsWithPush,
      invocationMs: warm.invocationMs,
      rawCpuMs,
      addToFeedReservedConcurrency: reserved,
      rawBatchWriteSecondsByWriters: Object.fromEntries(Object.entries(rawSecondsByWriters).map(([w, s]) => [w, Number(s.toFixed(3))])),
      rawBatchWriteItemsPerSecond: Math.round(rawRate),
      bestRawWriters: Number(bestWriters),
      bestRawBatchWriteItemsPerSecond: Math.round(bestRawRate),
      shareOfRawRate: Number((endToEndRate / rawRate).toFixed(3)),
      shareOfBestRawRate: Number((endToEndRate / bestRawRate).toFixed(3)),
      targets: { endToEndSeconds: 3, shareOfRawRate: 0.5 },
      met: { endToEnd: endToEndSeconds <= 3, coldEndToEnd: cold.seconds <= 3, shareOfRawRate: endToEndRate / rawRate >= 0.5, shareOfBestRawRate: endToEndRate / bestRawRate >= 0.5 },
    };
    const percent = (share) => `${(share * 100).toFixed(0)} %`;
    console.log(`fan-out to ${expected} feeds, cold workers: ${result.cold.endToEndSeconds} s end to end (${percent(result.cold.shareOfRawRate)} of raw)`);
    console.log(`fan-out to ${expected} feeds, warm workers: ${result.endToEndSeconds} s end to end (${result.endToEndItemsPerSecond} items/s); stored ${stored}; load average ${result.loadAverage.join(' ')}`);
    const cpuLine = (cpu) => Object.entries(cpu).filter(([, ms]) => ms >= 20).sort(([, a], [, b]) => b - a).map(([name, ms]) => `${name} ${ms}`).join(', ');
    for (const [name, run] of [['cold', cold], ['warm', warm]]) {
      console.log(`  ${name} timeline (ms after POST): ${Object.entries(run.timeline).map(([k, ms]) => `${k} ${ms}`).join(', ')}`);
      console.log(`  ${name} invocations (ms): ${Object.entries(run.invocationMs).map(([fn, ms]) => `${fn} ${ms.join(' ')}`).join('; ')}`);
      console.log(`  ${name} CPU ms until the last feed item: ${cpuLine(run.cpuMs)}; with push-to-feeds done: ${cpuLine(run.cpuMsWithPush)}`);
    }
    console.log(`  raw CPU ms at ${reserved} writers: ${cpuLine(rawCpuMs)}`);
    console.log(`raw BatchWriteItem by writers: ${Object.entries(result.rawBatchWriteSecondsByWriters).map(([w, s]) => `${w}: ${s} s`).join(', ')}`);
    console.log(`share of raw at add-to-feed's ${reserved} writers (${result.rawBatchWriteItemsPerSecond} items/s): ${percent(result.shareOfRawRate)}; of the best, ${bestWriters} writers (${result.bestRawBatchWriteItemsPerSecond} items/s): ${percent(result.shareOfBestRawRate)}`);
    console.log(`targets (warm): ≤ 3 s ${result.met.endToEnd ? 'met' : 'MISSED'}, ≥ 50 % of raw ${result.met.shareOfRawRate ? 'met' : 'MISSED'} (of the best raw: ${result.met.shareOfBestRawRate ? 'met' : 'MISSED'})`);
    writeResult('fanout', result);
  } finally {
    bench.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
