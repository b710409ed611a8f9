// Real-time feed updates (docs/api.md), with real MQTT clients over WebSocket through the gateway's
// /mqtt, as an app connects: who receives a post, who does not, who may not even subscribe or
// connect, what a reconnecting app finds, and what a redelivered or failing feed-distribution
// message sends. The MQTT side is always "http" (there is no in-process broker); the deliveries of
// feed-distribution messages go through `deliver`: the handler in process, or SNS.
import { randomUUID } from 'node:crypto';
import { PublishCommand as PublishToTopic, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SNSEvent } from 'aws-lambda';
import { signToken } from '@yubl/auth';
import { eventually, lambdaContext, localClientConfig, localCloudProcess, localJwtSecret, snsEvent, testMode, useLocalCloudEnvironment, whilePaused } from '@yubl/test-harness';
import { aUser, bearer, follows, posts, type TestUser } from '@yubl/test-support';
import { connectApp, feedTopic, openApp, subackCodes, type ConnectedApp } from '../support/app';

const cloud = useLocalCloudEnvironment({ STAGE: 'local' });
const stage = cloud.stage;
const httpOnly = testMode() === 'http' ? it : it.skip;
// An invocation's outcome (resolved or PushFailedError) shows only when the test runs the handler.
const handlerOnly = testMode() === 'handler' ? it : it.skip;
const PUSH_DEADLINE_MS = 30_000; // the whole path from POST /yubls on a shared, loaded machine (the bench measures it)

const apps: ConnectedApp[] = [];
const open = async (user: TestUser, clientId?: string) => {
  const app = await openApp(user, clientId);
  apps.push(app);
  return app;
};
afterAll(() => Promise.all(apps.map((app) => app.close())));

const idsOf = (app: ConnectedApp) => app.received.map(({ message }) => message.yubl.id);
const aYubl = (authorId: string) => ({ id: `y-${randomUUID()}`, authorId, text: 'pushed', postedAt: new Date().toISOString() });

/** A feed-distribution message as distribute-yubl publishes it, delivered as the mode says. */
async function deliver(message: { yubl: ReturnType<typeof aYubl>; followerIds: string[] }, correlationId: string): Promise<void> {
  if (testMode() === 'http') {
    const sns = new SNSClient(localClientConfig('sns'));
    await sns.send(new PublishToTopic({
      TopicArn: `arn:aws:sns:${cloud.region}:000000000000:feed-distribution-${stage}`,
      Message: JSON.stringify(message),
      MessageAttributes: { 'x-correlation-id': { DataType: 'String', StringValue: correlationId } },
    }));
    return;
  }
  const { handler } = await import('../../src/handlers/push-to-feeds');
  await (handler as (event: SNSEvent, context: ReturnType<typeof lambdaContext>) => Promise<void>)(
    snsEvent({ message, attributes: { 'x-correlation-id': correlationId }, topic: `feed-distribution-${stage}` }),
    lambdaContext({ functionName: 'realtime-local-push-to-feeds', timeoutMs: 30_000 }),
  );
}

/**
 * Proves that `app` got nothing more: something sent to its own topic after everything under test
 * arrives, and by then nothing else came. (The broker delivers one connection's messages in order.)
 */
async function nothingElseArrives(app: ConnectedApp, user: TestUser, expectedIds: string[]) {
  const sentinel = aYubl(user.id);
  await deliver({ yubl: sentinel, followerIds: [user.id] }, `sentinel-${randomUUID()}`).catch(() => undefined);
  await eventually(() => expect(idsOf(app)).toContain(sentinel.id), { timeout: PUSH_DEADLINE_MS, interval: 50 });
  expect(idsOf(app)).toEqual([...expectedIds, sentinel.id]);
}

describe('real-time feed updates', () => {
  httpOnly('push a post to a connected follower with the poster`s correlation id, and to no one who does not follow', async () => {
    const [a, b, c] = await Promise.all([aUser(), aUser(), aUser()]);
    await follows(b, a);
    const [appB, appC] = await Promise.all([open(b), open(c)]);
    const correlationId = `realtime-${randomUUID()}`;

    const yubl = await posts(a, `live ${randomUUID()}`, { 'x-correlation-id': correlationId });
    const answered = Date.now();
    await eventually(() => expect(idsOf(appB)).toEqual([yubl.id]), { timeout: PUSH_DEADLINE_MS, interval: 50 });
    console.info(`B had the yubl ${appB.received[0]!.at - answered} ms after POST /yubls answered`);
    expect(appB.received[0]).toMatchObject({ topic: feedTopic(b.id), message: { type: 'feed-item', yubl } });
    expect(appB.received[0]!.message.__context__).toMatchObject({ 'x-correlation-id': correlationId });

    // C's own post reaches C after A's went out; by then C has had nothing of A's.
    const own = await posts(c, `mine ${randomUUID()}`);
    await eventually(() => expect(idsOf(appC)).toContain(own.id), { timeout: PUSH_DEADLINE_MS, interval: 50 });
    expect(idsOf(appC)).toEqual([own.id]);
  });

  httpOnly('refuses in the SUBACK any filter but the user`s own topic, and closes a connection that publishes', async () => {
    const [b, c] = await Promise.all([aUser(), aUser()]);
    const [appB, appC] = await Promise.all([open(b), open(c)]);
    expect(await subackCodes(appB.client, [feedTopic(c.id), `yubl/${stage}/users/+/feed`, `yubl/${stage}/#`, '#'])).toEqual([128, 128, 128, 128]);
    expect(await subackCodes(appB.client, [feedTopic(b.id)])).toEqual([1]); // the refusals above are the filters'

    // Something for C now reaches C only.
    await nothingElseArrives(appC, c, []);
    expect(idsOf(appB)).toEqual([]);

    // The policy grants no iot:Publish: IoT Core drops the connection, and nothing reaches C.
    const closed = new Promise<void>((resolve) => appB.client.once('close', () => resolve()));
    appB.client.publish(feedTopic(c.id), JSON.stringify({ type: 'feed-item', yubl: aYubl(b.id) }), { qos: 1 });
    await closed;
    await nothingElseArrives(appC, c, idsOf(appC).slice());
  });

  httpOnly('refuses at connect a forged, alg:none, expired, malformed or other user`s token, and a client id not of the user', async () => {
    const [a, b] = await Promise.all([aUser(), aUser()]);
    const secret = await localJwtSecret(cloud);
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = b.token.split('.')[1]!;
    const attempts: [string, { username: string; password: string; clientId: string }][] = [
      ['forged', { username: b.id, password: await signToken(b.id, 'not-the-secret'), clientId: b.id }],
      ['alg:none', { username: b.id, password: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, clientId: b.id }],
      ['expired', { username: b.id, password: await signToken(b.id, secret, -60), clientId: b.id }],
      ['malformed', { username: b.id, password: 'not-a-token', clientId: b.id }],
      ['another user`s token', { username: b.id, password: a.token, clientId: b.id }],
      ['another user`s client id', { username: b.id, password: b.token, clientId: a.id }],
      ['a client id that only starts like the user`s', { username: b.id, password: b.token, clientId: `${b.id}x` }],
    ];
    for (const [name, credentials] of attempts) {
      const refused = await connectApp(credentials).then(
        async (app) => (await app.close(), 'connected'),
        (error: { code?: number }) => error.code,
      );
      expect([name, refused]).toEqual([name, 5]); // CONNACK: not authorized
    }
    // The same user, with their own token and client ids, gets in: the refusals above are the token's.
    await (await connectApp({ username: b.id, password: b.token, clientId: b.id })).close();
    await (await connectApp({ username: b.id, password: b.token, clientId: `${b.id}-tablet` })).close();
  });

  httpOnly('a reconnected app gets later items, and finds the one it missed in GET /feed', async () => {
    const [a, b] = await Promise.all([aUser(), aUser()]);
    await follows(b, a);
    const first = await open(b);
    await first.close();
    const missed = await posts(a, `while away ${randomUUID()}`);
    const readFeed = async () => {
      const answer = await fetch(`${cloud.baseUrl}/feed`, { headers: bearer(b) });
      return ((await answer.json()) as { items: { id: string }[] }).items.map((item) => item.id);
    };
    await eventually(async () => expect(await readFeed()).toContain(missed.id), { timeout: PUSH_DEADLINE_MS, interval: 200 });

    const again = await open(b);
    const later = await posts(a, `back ${randomUUID()}`);
    await eventually(() => expect(idsOf(again)).toEqual([later.id]), { timeout: PUSH_DEADLINE_MS, interval: 50 });
    await eventually(async () => expect(await readFeed()).toEqual([later.id, missed.id]), { timeout: PUSH_DEADLINE_MS, interval: 200 });
    expect(first.received).toEqual([]);
  });
});

describe('feed-distribution messages, delivered again or failing', () => {
  it('a replayed message sends the same item again, which the app de-duplicates by the yubl id', async () => {
    const b = await aUser();
    const appB = await open(b);
    const yubl = aYubl('someone');
    const correlationId = `replay-${randomUUID()}`;
    await deliver({ yubl, followerIds: [b.id] }, correlationId);
    await deliver({ yubl, followerIds: [b.id] }, correlationId);
    await eventually(() => expect(idsOf(appB)).toEqual([yubl.id, yubl.id]), { timeout: PUSH_DEADLINE_MS, interval: 50 });
    for (const { message } of appB.received) expect(message).toEqual({ type: 'feed-item', yubl, __context__: expect.objectContaining({ 'x-correlation-id': correlationId }) });
    expect(new Set(appB.received.map(({ message }) => JSON.stringify(message.yubl))).size).toBe(1); // one item, twice
    await nothingElseArrives(appB, b, [yubl.id, yubl.id]);
  });

  handlerOnly('a data plane that stalls past an API call`s request timeout, within a fan-out`s, answers each publish once: no retry, no failure', async () => {
    const b = await aUser();
    const appB = await open(b);
    const yubl = aYubl('someone');
    // Longer than three attempts at an API call's 1.2 s and the waits between (3.75 s), shorter
    // than one at PUBLISH_TIMEOUT_MS: the stall a loaded machine gives a fan-out of 1,000 publishes.
    const STALL_MS = 4_000;
    let pushing!: Promise<void>;
    await whilePaused(localCloudProcess('run-emulator.js iot'), async () => {
      pushing = deliver({ yubl, followerIds: [b.id] }, `stall-${randomUUID()}`);
      pushing.catch(() => undefined); // awaited below, after the stall
      await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    });
    await expect(pushing).resolves.toBeUndefined();
    await eventually(() => expect(idsOf(appB)).toEqual([yubl.id]), { timeout: PUSH_DEADLINE_MS, interval: 50 });
    await nothingElseArrives(appB, b, [yubl.id]);
  });

  it('a recipient whose publish keeps failing fails the message after every other recipient had it; SNS retries it, then its on-failure queue holds it', async () => {
    const b = await aUser();
    const appB = await open(b);
    const yubl = aYubl('someone');
    // '+' is no topic character: the data plane refuses that recipient's publish every time.
    const message = { yubl, followerIds: [b.id, 'not+a+topic'] };
    if (testMode() === 'handler') {
      await expect(deliver(message, `poison-${randomUUID()}`)).rejects.toMatchObject({ name: 'PushFailedError', failedUserIds: ['not+a+topic'] });
      await eventually(() => expect(idsOf(appB)).toEqual([yubl.id]), { timeout: PUSH_DEADLINE_MS, interval: 50 });
      return nothingElseArrives(appB, b, [yubl.id]);
    }
    await deliver(message, `poison-${randomUUID()}`);
    const sqs = new SQSClient(localClientConfig('sqs'));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `realtime-push-failures-${stage}` }));
    const failure = await eventually(async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const ours = Messages.find((m) => m.Body?.includes(yubl.id));
      expect(ours).toBeDefined();
      return ours!;
    }, { timeout: PUSH_DEADLINE_MS, interval: 200 });
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: failure.ReceiptHandle }));
    expect(JSON.parse(failure.Body!)).toMatchObject({ responseContext: { functionError: 'Unhandled' } });
    // The first delivery and Lambda's two retries: B had the same item three times, and no more.
    await eventually(() => expect(idsOf(appB)).toEqual([yubl.id, yubl.id, yubl.id]), { timeout: PUSH_DEADLINE_MS, interval: 50 });
    await nothingElseArrives(appB, b, [yubl.id, yubl.id, yubl.id]);
  });
});
