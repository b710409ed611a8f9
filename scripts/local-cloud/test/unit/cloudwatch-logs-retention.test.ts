import { createCloudWatchLogs } from '../../src/emulators/cloudwatch-logs';

// A group keeps its newest events (100,000 in the cloud; 1,000 here), trimmed in bulk
// rather than on every line (src/emulators/cloudwatch-logs.js): a reader must see exactly those.
describe('CloudWatch Logs emulator retention', () => {
  const KEPT = 1_000;

  it('answers exactly the newest events a group keeps, however many it was sent', () => {
    const logs = createCloudWatchLogs({ region: 'eu-west-1', accountId: '000000000000', maxEventsPerGroup: KEPT });
    const written = 2 * KEPT + 1; // one past the first bulk trim
    for (let n = 1; n <= written; n += 1) logs.writeFunctionLine('fn', 'stream', `line ${n}.`, n);
    const filter = (input: Record<string, unknown>) =>
      logs.handle('FilterLogEvents', { logGroupName: '/aws/lambda/fn', ...input }) as { events: { message: string }[]; nextToken?: string };

    let count = 0;
    let first: string | undefined;
    let last: string | undefined;
    let nextToken: string | undefined;
    do {
      const page = filter({ limit: 100, nextToken });
      count += page.events.length;
      first ??= page.events[0]?.message;
      last = page.events.at(-1)?.message ?? last;
      nextToken = page.nextToken;
    } while (nextToken);

    expect(count).toBe(KEPT);
    expect(first).toBe(`line ${written - KEPT + 1}.`);
    expect(last).toBe(`line ${written}.`);
    expect(filter({ filterPattern: `"line ${written - KEPT}."` }).events).toHaveLength(0);
    expect(filter({ filterPattern: `"line ${written - KEPT + 1}."` }).events).toHaveLength(1);
  });
});
