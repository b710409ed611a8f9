// The wrapper libs end to end on a running local cloud (test/fixture): one request goes
// entry -(HTTP)-> middle -(Kinesis)-> relay -(SNS)-> last. Every line of every hop carries the
// client's x-correlation-id, call-chain-length counts the hops, and the debug decision the first
// hop sampled is honoured at the last one, whose own sample rate is 0.
import { randomUUID } from 'node:crypto';
import { eventually, startLocalCloud, type StartedCloud } from '@yubl/test-harness';

let started: StartedCloud;

beforeAll(async () => {
  started = await startLocalCloud({ name: 'wrapper-fixture-cloud', portBase: 9000, projects: ['libs/lambda/test/fixture'] });
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
