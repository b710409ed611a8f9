// POST /yubls with DynamoDB paused (dynalite's real process, SIGSTOP): the function answers a 503
// ServiceUnavailable in the contract's shape with the correlation id, well within its 6 s timeout,
// because its SDK calls have timeouts that fire (docs/design.md "Timeouts that fire"). Once
// DynamoDB is back, whatever the paused request committed is there with its one event, no more.
import { randomUUID } from 'node:crypto';
import { eventually, hasErrorShape, itemsOf, localCloud, localCloudProcess, recordsOnStream, weCall, whilePaused } from '@yubl/test-harness';
import { aUser, bearer } from '@yubl/test-support';
import { postYubl } from '../support/api';

const FUNCTION_TIMEOUT_MS = 6_000;

describe('POST /yubls while DynamoDB is paused', () => {
  it('answers 503 ServiceUnavailable with its body and id in time; after the pause, yubls stored = events written (at most one)', async () => {
    const author = await aUser();
    // Warm: the function and its config are loaded before the pause.
    expect((await weCall(postYubl, { path: '/yubls', headers: bearer(author), body: { text: 'warm' } })).status).toBe(201);

    const correlationId = `dynamodb-paused-${randomUUID()}`;
    const text = `paused ${randomUUID()}`;
    const answer = await whilePaused(localCloudProcess('run-emulator.js dynamodb'), async () => {
      const started = Date.now();
      const result = await weCall(postYubl, { path: '/yubls', headers: { ...bearer(author), 'x-correlation-id': correlationId }, body: { text } });
      return { ...result, tookMs: Date.now() - started };
    });
    expect(answer.status).toBe(503);
    expect(hasErrorShape(answer.body)).toBe(true);
    expect(answer.body.error.code).toBe('ServiceUnavailable');
    expect(answer.headers['x-correlation-id']).toBe(correlationId);
    expect(answer.tookMs).toBeLessThan(FUNCTION_TIMEOUT_MS - 1_000);

    // The answer said "maybe": count what the paused attempts left once the outbox has let it all out.
    const { stage } = localCloud();
    await eventually(async () => {
      expect((await itemsOf(`yubls-outbox-${stage}`)).filter((item) => item.partitionKey === author.id)).toEqual([]);
      const stored = (await itemsOf(`yubls-${stage}`)).filter((yubl) => yubl.authorId === author.id && yubl.text === text);
      const events = (await recordsOnStream(`yubls-${stage}`)).filter((record) => record.data.type === 'yubl-posted' && record.data.data?.yubl?.text === text);
      expect(stored.length).toBeLessThanOrEqual(1);
      expect(new Set(events.map((record) => record.data.id)).size).toBe(stored.length);
      console.log(`DynamoDB paused: answered 503 in ${answer.tookMs} ms; yubls stored ${stored.length}, events ${events.length}`);
    }, { timeout: 30_000, interval: 1_000 });
  });
});
