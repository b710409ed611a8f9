// A correlation id with characters outside ASCII arrives unchanged at every hop (docs/api.md
// "Correlation"): the response header, the yubls record's __context__, distribute-yubl's lines
// (Kinesis), add-to-feed's lines (SNS attributes), and a service called over HTTP.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { randomUUID } from 'node:crypto';
import { eventually, localClientConfig, localCloud, localCloudLog, recordsOnStream } from '@yubl/test-harness';
import { aUser, bearer, follows, type TestUser } from '@yubl/test-support';

const cloud = localCloud();
const kinesis = new KinesisClient({ ...localClientConfig('kinesis', cloud), requestHandler: new NodeHttpHandler() });

/** Every JSON line a function of the cloud wrote that mentions `text`. */
const linesOf = (fn: string, text: string) =>
  localCloudLog()
    .split('\n')
    .filter((line) => line.startsWith(`[${fn}]`) && line.includes('{"level"') && line.includes(text))
    .map((line) => JSON.parse(line.slice(line.indexOf('{"level"'))) as Record<string, unknown>);

async function post(author: TestUser, headerValue: string) {
  const response = await fetch(`${cloud.baseUrl}/yubls`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(author), 'x-correlation-id': headerValue }, body: JSON.stringify({ text: 'utf-8 all the way' }) });
  expect(response.status).toBe(201);
  return { yubl: (await response.json()) as { id: string }, echoed: response.headers.get('x-correlation-id') };
}

describe('a correlation id outside ASCII', () => {
  let author: TestUser;
  let follower: TestUser;
  beforeAll(async () => {
    [author, follower] = await Promise.all([aUser(), aUser()]);
    await follows(follower, author);
  });

  it.each([
    ['percent-encoded', (id: string) => encodeURIComponent(id)],
    ['sent as raw UTF-8 bytes', (id: string) => Buffer.from(id, 'utf8').toString('latin1')],
  ])('%s, is the same at every hop of a post', async (_, asHeader) => {
    const id = `ïd-日本語-🙂-${randomUUID()}`;
    const { yubl, echoed } = await post(author, asHeader(id));
    expect(echoed).toBe(encodeURIComponent(id));

    const [record] = (await recordsOnStream(`yubls-${cloud.stage}`, kinesis)).filter((r) => r.data.type === 'yubl-posted' && r.data.data?.yubl?.id === yubl.id);
    expect(record!.data.__context__!['x-correlation-id']).toBe(id);
    await eventually(() => {
      const distributed = linesOf('feed/distribute-yubl', yubl.id).filter((line) => line.message === 'yubl distributed');
      const added = linesOf('feed/add-to-feed', yubl.id).filter((line) => line.message === 'yubl added to feeds');
      expect(distributed.map((line) => line['x-correlation-id'])).toEqual([id]);
      expect(added.length).toBeGreaterThan(0);
      for (const line of added) expect(line['x-correlation-id']).toBe(id);
    }, { timeout: 20_000, interval: 250 });
  });

  it('reaches a service called over HTTP unchanged (follow → GET /users/{id})', async () => {
    const id = `ñ-€-𝄞-${randomUUID()}`;
    const unknown = randomUUID();
    const response = await fetch(`${cloud.baseUrl}/users/${follower.id}/following/${unknown}`, { method: 'PUT', headers: { ...bearer(follower), 'x-correlation-id': encodeURIComponent(id) } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-correlation-id')).toBe(encodeURIComponent(id));
    // The users service refused GET /users/{unknown} on the follow's behalf, with the client's id.
    await eventually(() => {
      const refused = linesOf('users/api', unknown).filter((line) => line.message === 'request refused');
      expect(refused.map((line) => line['x-correlation-id'])).toEqual([id]);
    }, { timeout: 10_000, interval: 200 });
  });
});
