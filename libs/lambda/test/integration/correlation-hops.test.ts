// The wrapper libs end to end on a running local cloud (test/fixture): one request goes
// entry -(HTTP)-> middle -(Kinesis)-> relay -(SNS)-> last. Every line of every hop carries the
// client's x-correlation-id, call-chain-length counts the hops, and the debug decision the first
// hop sampled is honoured at the last one, whose own sample rate is 0.
import { randomUUID } from 'node:crypto';
import { eventually, startLocalCloud, weCall, type StartedCloud } from '@yubl/test-harness';

let started: StartedCloud;

beforeAll(async () => {
  started = await startLocalCloud({ name: 'wrapper-fixture-cloud', projects: ['libs/lambda/test/fixture'] });
  // The middle hop warmed first: entry's call to it has an HTTP budget (@yubl/aws) that a cold
  // start on a loaded two-core machine can pass, and these tests are about ids, not cold starts.
  await fetch(`${started.cloud.baseUrl}/hops/middle?run=warm-up`);
}, 200_000);

afterAll(() => started?.stop(), 60_000);

/** Every JSON line a fixture function printed, with the function it came from. */
function functionLines(): { fn: string; line: Record<string, any> }[] {
  const lines: { fn: string; line: Record<string, any> }[] = [];
  for (const text of started.log().split('\n')) {
    const match = /^\[fixture\/(\w+)\] (\{.*\})$/.exec(text); // [project/function], the project named by its folder
    if (!match) continue;
    try {
      lines.push({ fn: match[1]!, line: JSON.parse(match[2]!) });
    } catch {
      // a line that only looks like JSON
    }
  }
  return lines;
}

async function startRun(headers: Record<string, string>) {
  const run = randomUUID();
  const response = await fetch(`${started.cloud.baseUrl}/hops/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ run }),
  });
  expect(response.status).toBe(200);
  return { run, response };
}

const HOPS = ['entry', 'middle', 'relay', 'last'];

describe('one request across HTTP, Kinesis and SNS', () => {
  it('keeps the client`s x-correlation-id on every line of every hop, and counts the hops', async () => {
    const correlationId = `hops-${randomUUID()}`;
    const { run, response } = await startRun({ 'x-correlation-id': correlationId });
    expect(response.headers.get('x-correlation-id')).toBe(correlationId);
    const lines = await eventually(() => {
      const found = functionLines().filter(({ line }) => line.run === run);
      expect(new Set(found.map(({ line }) => line.hop))).toEqual(new Set(HOPS));
      return found;
    }, { timeout: 20_000, interval: 200 });
    for (const { line } of lines) expect(line['x-correlation-id']).toBe(correlationId);
    for (const [index, hop] of HOPS.entries()) {
      const ofHop = lines.filter(({ line }) => line.hop === hop);
      expect(ofHop.every(({ fn, line }) => fn === hop && line['call-chain-length'] === index + 1)).toBe(true);
    }
    // and nothing the fixture functions wrote for this request lacks the id
    const untagged = functionLines().filter(({ line }) => JSON.stringify(line).includes(run) && line['x-correlation-id'] !== correlationId);
    expect(untagged).toEqual([]);
  });

  it('shows debug lines at the last hop when the first hop sampled the chain in', async () => {
    const { run } = await startRun({});
    await eventually(() => {
      const debug = functionLines().filter(({ line }) => line.run === run && line.level === 'debug');
      expect(debug.map(({ line }) => line.hop).sort()).toEqual([...HOPS].sort());
      expect(debug.every(({ line }) => line['debug-log-enabled'] === true)).toBe(true);
    }, { timeout: 20_000, interval: 200 });
  });

  it('shows none anywhere when the client said debug-log-enabled: false', async () => {
    const { run } = await startRun({ 'debug-log-enabled': 'false' });
    const lines = await eventually(() => {
      const found = functionLines().filter(({ line }) => line.run === run);
      expect(found.filter(({ line }) => line.hop === 'last')).toHaveLength(1);
      return found;
    }, { timeout: 20_000, interval: 200 });
    expect(lines.filter(({ line }) => line.level === 'debug')).toEqual([]);
    expect(lines).toHaveLength(HOPS.length);
  });
});

describe.each(['handler', 'http'] as const)('the same case through `when`, in %s mode', (mode) => {
  const middle = {
    method: 'GET',
    resource: '/hops/middle',
    handler: async () => (await import('../fixture/src/handlers')).middle,
  };

  beforeAll(() => {
    // In handler mode the function runs here: it needs the environment the local cloud gives it.
    const { cloud } = started;
    Object.assign(process.env, {
      AWS_REGION: cloud.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_KINESIS: cloud.endpoints.kinesis,
      AWS_ENDPOINT_URL_SNS: cloud.endpoints.sns,
      HOPS_STREAM: `wrapper-fixture-hops-${cloud.stage}`,
      TEST_BASE_URL: cloud.baseUrl,
    });
  });

  it('answers the call and the record it put travels on to the last hop with the same id', async () => {
    const run = randomUUID();
    const correlationId = `when-${mode}-${run}`;
    const answer = await weCall(middle, { path: `/hops/middle?run=${run}`, headers: { 'x-correlation-id': correlationId } }, mode);
    expect(answer).toMatchObject({ status: 200, headers: { 'x-correlation-id': correlationId }, body: {} });
    await eventually(() => {
      const last = functionLines().find(({ line }) => line.run === run && line.hop === 'last');
      expect(last?.line['x-correlation-id']).toBe(correlationId);
    }, { timeout: 20_000, interval: 200 });
  });
});
