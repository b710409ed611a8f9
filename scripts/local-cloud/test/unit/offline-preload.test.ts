import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBarrel } from '../../src/lazy-barrels';

// What the offline preload changes in a framework process to start on less CPU, seen from a real
// node process with the preload (as serverless-offline runs), in a service's directory.
const root = path.resolve(__dirname, '../../../..');
const preload = path.join(root, 'scripts/local-cloud/src/offline-preload.js');
const frameworkPreload = path.join(root, 'scripts/local-cloud/src/framework-preload.js');
const serviceDir = path.join(root, 'services/feed');

const probe = String.raw`
const path = require('node:path');
const from = { paths: [process.cwd()] };
const fromEsbuild = { paths: [path.dirname(require.resolve('serverless-esbuild/package.json', from))] };
const effectFiles = () => Object.keys(require.cache).filter((f) => f.includes(path.sep + 'node_modules' + path.sep + 'effect' + path.sep)).length;
(async () => {
  const effect = require(require.resolve('effect', fromEsbuild));
  const effectFilesAtRequire = effectFiles();
  const two = effect.Effect.runSync(effect.pipe(effect.Effect.succeed(1), effect.Effect.map((n) => n + 1)));
  const effectFilesAtUse = effectFiles();
  // Each barrel as it loads without the preload: the same names, in the same order, the same objects.
  const sameAsEager = {};
  for (const name of ['effect', '@effect/platform', '@effect/platform-node', 'ramda']) {
    const filename = require.resolve(name, fromEsbuild);
    const lazy = require(filename);
    delete require.cache[filename];
    const eager = require(filename);
    const names = Object.keys(eager);
    sameAsEager[name] = names.length > 0 && names.join() === Object.keys(lazy).join() && names.every((key) => eager[key] === lazy[key]) && lazy.__esModule === eager.__esModule;
  }
  const ConfigSchemaHandler = require(require.resolve('serverless/lib/classes/config-schema-handler/index.js', from));
  const handler = new ConfigSchemaHandler({ service: { configValidationMode: 'error', provider: { name: 'aws' } }, configurationInput: {} });
  let validation = 'accepted';
  try {
    await handler.validateConfig({ service: 'x', provider: { name: 'aws' }, functions: { f: { handler: 1 } } });
  } catch (error) {
    validation = error.code;
  }
  console.log(JSON.stringify({ effectFilesAtRequire, two, effectFilesAtUse, sameAsEager, validation }));
})();
`;

describe('the offline preload', () => {
  const schemaCache = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-preload-'));
  afterAll(() => fs.rmSync(schemaCache, { recursive: true, force: true }));

  const run = (env: Record<string, string>, withPreload: string | false = preload) => {
    const args = [...(withPreload ? ['--require', withPreload] : []), '-e', probe];
    const out = execFileSync(process.execPath, args, { cwd: serviceDir, env: { ...process.env, SLS_SCHEMA_CACHE_BASE_DIR: schemaCache, ...env }, encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      effectFilesAtRequire: number;
      two: number;
      effectFilesAtUse: number;
      sameAsEager: Record<string, boolean>;
      validation: string;
    };
  };

  it('skips the schema validation its serverless print did, only when the local cloud says so', () => {
    // An invalid configuration (a handler that is not a string): accepted, as print validated it.
    expect(run({ LOCAL_CLOUD_CONFIG_VALIDATED: '1' }).validation).toBe('accepted');
    expect(run({}).validation).toBe('INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION');
  });

  it("loads serverless-esbuild's effect and ramda barrels module by module, the same modules as without it", () => {
    const eager = run({}, false);
    const lazy = run({});
    expect(eager.effectFilesAtRequire).toBeGreaterThan(300);
    expect(lazy.effectFilesAtRequire).toBe(1); // the barrel itself, not run
    expect(lazy.two).toBe(2);
    expect(lazy.effectFilesAtUse).toBeGreaterThan(1);
    expect(lazy.effectFilesAtUse).toBeLessThan(eager.effectFilesAtRequire / 2);
    expect(lazy.sameAsEager).toEqual({ effect: true, '@effect/platform': true, '@effect/platform-node': true, ramda: true });
  });

  it('makes the same barrels lazy in the other framework processes (framework-preload.js: prints, packages), and validates there', () => {
    const lazy = run({ LOCAL_CLOUD_CONFIG_VALIDATED: '1' }, frameworkPreload);
    expect(lazy.effectFilesAtRequire).toBe(1);
    expect(lazy.two).toBe(2);
    expect(lazy.sameAsEager).toEqual({ effect: true, '@effect/platform': true, '@effect/platform-node': true, ramda: true });
    expect(lazy.validation).toBe('INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION');
  });
});

// serverless-offline's side of an invocation, as its WorkerThreadRunner and LambdaFunction do it:
// a worker per function given its timeout (ms), each invocation posted as {context, event, port},
// and the worker terminated by the function's timeout timer (LambdaFunction's own setTimeout, so a
// timer here too) or, stopping, at once.
const invocations = String.raw`
const { MessageChannel, Worker } = require('node:worker_threads');
const TIMEOUT_MS = 1000;
const code = "require('node:worker_threads').parentPort.on('message', ({ event, port }) => { if (event.answer) port.postMessage('done'); });";
const invoke = (name, ending) => new Promise((resolve) => {
  const worker = new Worker(code, { eval: true, workerData: { functionKey: name, timeout: TIMEOUT_MS } });
  const { port1, port2 } = new MessageChannel();
  const stop = () => { port1.close(); worker.terminate().then(resolve); };
  port1.once('message', stop);
  worker.postMessage({ context: { awsRequestId: name + '-request', functionName: name, memoryLimitInMB: 1024 }, event: { answer: ending === 'answers' }, port: port2 }, [port2]);
  if (ending === 'times out') setTimeout(stop, TIMEOUT_MS);
  if (ending === 'stopped') stop();
});
(async () => {
  await invoke('answers', 'answers');
  await invoke('times-out', 'times out');
  await invoke('stopped-early', 'stopped');
})();
`;

describe("the offline preload's lines around an invocation", () => {
  const lines = () => {
    const out = execFileSync(process.execPath, ['--require', preload, '-e', invocations], { cwd: serviceDir, encoding: 'utf8' });
    const of = (name: string) => out.split('\n').filter((line) => line.startsWith(`λ ${name}\t`)).map((line) => line.split('\t').slice(2).join('\t'));
    return { answers: of('answers'), timesOut: of('times-out'), stoppedEarly: of('stopped-early') };
  };

  it("end an answered one with END and REPORT, one that outran its timeout with Lambda's timeout lines, one stopped before it with none", () => {
    const { answers, timesOut, stoppedEarly } = lines();
    expect(answers).toEqual([
      'START RequestId: answers-request Version: $LATEST',
      'END RequestId: answers-request',
      expect.stringMatching(/^REPORT RequestId: answers-request\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 1024 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t$/),
    ]);
    expect(timesOut).toEqual([
      'START RequestId: times-out-request Version: $LATEST',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z times-out-request Task timed out after 1\.\d\d seconds$/),
      'END RequestId: times-out-request',
      expect.stringMatching(/^REPORT RequestId: times-out-request\tDuration: [\d.]+ ms\tBilled Duration: 1000 ms\tMemory Size: 1024 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\tStatus: timeout\t$/),
    ]);
    expect(stoppedEarly).toEqual(['START RequestId: stopped-early-request Version: $LATEST']);
  });
});

describe('a barrel made lazy', () => {
  const barrel = [
    '"use strict";',
    '',
    'Object.defineProperty(exports, "__esModule", {',
    '  value: true',
    '});',
    'exports.B = exports.A = void 0;',
    'Object.defineProperty(exports, "pipe", {',
    '  enumerable: true,',
    '  get: function () {',
    '    return _A.pipe;',
    '  }',
    '});',
    'var _A = _interopRequireWildcard(require("./A.js"));',
    'exports.A = _A;',
    'var _B = _interopRequireWildcard(require("./B.js"));',
    'exports.B = _B;',
    'function _interopRequireWildcard(e, r) { if (!r && e && e.__esModule) return e; }',
    '//# sourceMappingURL=index.js.map',
    '',
  ].join('\n');

  it("reads Babel's plain barrel: its names in creation order, its modules, its re-exports", () => {
    const parsed = parseBarrel(barrel);
    expect(parsed?.declared).toEqual(['A', 'B']);
    expect([...(parsed?.namespaces ?? [])]).toEqual([['_A', './A.js'], ['_B', './B.js']]);
    expect(parsed?.exported).toEqual([{ name: 'pipe', local: '_A', key: 'pipe' }, { name: 'A', local: '_A' }, { name: 'B', local: '_B' }]);
  });

  it("reads ramda's plain barrel: each name the module itself", () => {
    const plain = 'module.exports = {};\nmodule.exports.F =\n/*#__PURE__*/\nrequire("./F.js");\nmodule.exports.add =\n/*#__PURE__*/\nrequire("./add.js");';
    const parsed = parseBarrel(plain);
    expect(parsed?.interop).toBe(false);
    expect(parsed?.exported).toEqual([{ name: 'F', local: 'F' }, { name: 'add', local: 'add' }]);
    expect(parseBarrel(`${plain}\nmodule.exports.add = 1;`)).toBeUndefined();
  });

  it('is left to load as it would when it does anything more', () => {
    expect(parseBarrel(barrel.replace('exports.B = _B;\n', 'exports.B = _B;\nglobalThis.sideEffect = 1;\n'))).toBeUndefined();
    expect(parseBarrel(barrel.replace('return _A.pipe;', 'return _C.pipe;'))).toBeUndefined();
    expect(parseBarrel(barrel.replace('"use strict";', '"use client";'))).toBeUndefined();
  });
});
