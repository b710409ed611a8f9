'use strict';

// Fan-out (issue 5): one yubl from an author with 10,000 followers, from POST /yubls until every
// follower's feed has it, on the local cloud; beside it, in the same run, dynalite's raw
// BatchWriteItem rate for the same 10,000 items. Targets: ≤ 5 s end to end, ≥ 50 % of the raw rate.
// "Has it" is read from the add-to-feed log lines ("yubl added to feeds", with the count), then
// checked once, untimed, against the table.

const { randomUUID } = require('node:crypto');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } = require('@aws-sdk/lib-dynamodb');
const { startBenchCloud, writeResult, aUser } = require('./cloud');

const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 10_000);
const CONCURRENCY = 8;

async function batchWriteAll(client, table, items) {
  const chunks = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let pending = chunks[next++].map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main() {
  const bench = startBenchCloud();
  try {
    const { cloud } = bench;
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: cloud.region, endpoint: cloud.endpoints.dynamodb, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const author = await aUser(cloud.baseUrl, randomUUID().slice(0, 8).replace(/-/g, ''));
    const since = new Date().toISOString();
    const followerIds = Array.from({ length: FOLLOWERS }, (_, i) => `bench-follower-${String(i).padStart(5, '0')}`);
    // The follow graph goes straight into the relationships table: only the followers pages read it.
    await batchWriteAll(client, `relationships-${cloud.stage}`, followerIds.map((id) => ({ userId: author.id, sk: `follower#${id}`, since })));

    // Raw: the same number of feed items, written directly.
    const rawYubl = { id: `raw-${randomUUID()}`, authorId: author.id, text: 'raw', postedAt: since };
    const rawStarted = process.hrtime.bigint();
    await batchWriteAll(client, `feeds-${cloud.stage}`, [author.id, ...followerIds].map((userId) => ({ userId, yublId: rawYubl.id, yubl: rawYubl })));
    const rawSeconds = Number(process.hrtime.bigint() - rawStarted) / 1e9;

    // End to end.
    const started = process.hrtime.bigint();
    const response = await fetch(`${cloud.baseUrl}/yubls`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${author.token}` }, body: JSON.stringify({ text: 'to ten thousand feeds' }) });
    if (response.status !== 201) throw new Error(`POST /yubls answered ${response.status}`);
    const yubl = await response.json();
    const expected = FOLLOWERS + 1;
    let written = 0;
    const deadline = Date.now() + 120_000;
    while (written < expected) {
      if (Date.now() > deadline) throw new Error(`only ${written} of ${expected} feed items after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      written = 0;
      for (const line of bench.log().split('\n')) {
        if (!line.includes('"yubl added to feeds"') || !line.includes(yubl.id)) continue;
        written += JSON.parse(line.slice(line.indexOf('{'))).feeds;
      }
    }
    const endToEndSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    let stored = 0;
    let ExclusiveStartKey;
    do {
      const page = await client.send(new ScanCommand({ TableName: `feeds-${cloud.stage}`, FilterExpression: 'yublId = :y', ExpressionAttributeValues: { ':y': yubl.id }, Select: 'COUNT', ExclusiveStartKey }));
      stored += page.Count;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);

    const rawRate = expected / rawSeconds;
    const endToEndRate = expected / endToEndSeconds;
    const result = {
      followers: FOLLOWERS,
      feedItems: expected,
      storedFeedItems: stored,
      endToEndSeconds: Number(endToEndSeconds.toFixed(3)),
      endToEndItemsPerSecond: Math.round(endToEndRate),
      rawBatchWriteSeconds: Number(rawSeconds.toFixed(3)),
      rawBatchWriteItemsPerSecond: Math.round(rawRate),
      shareOfRawRate: Number((endToEndRate / rawRate).toFixed(3)),
      targets: { endToEndSeconds: 5, shareOfRawRate: 0.5 },
      met: { endToEnd: endToEndSeconds <= 5, shareOfRawRate: endToEndRate / rawRate >= 0.5 },
    };
    console.log(`fan-out to ${expected} feeds: ${result.endToEndSeconds} s end to end (${result.endToEndItemsPerSecond} items/s); raw BatchWriteItem ${result.rawBatchWriteSeconds} s (${result.rawBatchWriteItemsPerSecond} items/s); ${(result.shareOfRawRate * 100).toFixed(0)} % of raw; stored ${stored}`);
    console.log(`targets: ≤ 5 s ${result.met.endToEnd ? 'met' : 'MISSED'}, ≥ 50 % of raw ${result.met.shareOfRawRate ? 'met' : 'MISSED'}`);
    if (stored !== expected) throw new Error(`the table holds ${stored} feed items for the yubl, not ${expected}`);
    writeResult('fanout', result);
  } finally {
    bench.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
