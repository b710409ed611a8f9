// Bundle bytes are deterministic, so the budget is a test: the full wrapper (correlation, logger,
// metrics, HTTP handling) adds at most 14 KB, minified, to a function bundle built as
// serverless-esbuild builds one. The bench (bench/wrapper.bench.js) reports the same numbers.
// It was 10 KB (issue 3's target) until issue 9 put in every HTTP function the loop guard's proof
// check (chain-proof.ts), the UTF-8 codec of correlation ids (header-value.ts) and the 503 answer
// for a dependency that timed out (unavailable.ts), about 1.1 KB; and issue 10 put in every bundle
// forwarding to a served instance (src/forwarding), about 2.9 KB — forwarding must be in the
// function already when a service starts moving, as switching it on is a config value, not a deploy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle } = require('../../../../bench/wrapper/build') as {
  bundle: (variant: string, outdir: string) => Promise<{ bytes: number; inputs: string[] }>;
};

const BUDGET_BYTES = 14 * 1024;
let outdir: string;
let bare: { bytes: number; inputs: string[] };
let yubl: { bytes: number; inputs: string[] };

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'bundle-size-'));
  [bare, yubl] = await Promise.all([bundle('bare', outdir), bundle('yubl', outdir)]);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the wrapper in a function bundle', () => {
  it(`adds at most ${BUDGET_BYTES} bytes to the bare handler`, () => {
    expect(yubl.bytes - bare.bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('brings no AWS SDK client, no validator and no middy core into a function that uses none', () => {
    const foreign = yubl.inputs.filter((input) => /node_modules\/(@aws-sdk|@smithy|valibot|@middy)\//.test(input));
    expect(foreign).toEqual([]);
  });
});
