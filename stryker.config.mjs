// Mutation testing of the unit tests (`./build.sh test mutation`): StrykerJS changes the code one
// mutant at a time and runs the unit tests that cover it; a mutant no test notices is a gap.
// Two groups, scored apart by scripts/mutation-scores.js: the wrapper libraries (target 80 %) and
// the services' domain code (target 70 %). What is left out, and why: reports/mutation/EQUIVALENT.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'libs/*/src/**/*.ts',
    // needs the config service (the local cloud's): covered by libs/config/test/integration
    '!libs/config/src/**',
    '!libs/auth/src/config-secret.ts',
    // the outbox's DynamoDB transaction and Kinesis puts, and nothing else: covered by the services'
    // outbox acceptance tests with kinesalite paused (its decisions, outbox.ts, are mutated)
    '!libs/events/src/dynamodb-outbox.ts',
    // how lines reach stdout (fd checks, EAGAIN): a unit test can only redirect it
    '!libs/logger/src/output.ts',
    // the test harness: its cloud, runtime and HTTP helpers need the local cloud; its event builders are fixtures
    '!libs/test-harness/src/{local-cloud,lambda-runtime,when,fuzz,faults,events,jest-setup}.ts',
    // domain code: the services' rules, without handlers (wiring), stores (DynamoDB) or HTTP clients
    'services/config/src/{entries,admin-key}.ts',
    'services/feed/src/feed.ts',
    'services/relationships/src/relationships.ts',
    'services/search/src/search.ts',
    'services/users/src/{users,passwords}.ts',
    'services/yubls/src/yubls.ts',
  ],
  // Not copied into the sandbox: local state and build output.
  ignorePatterns: ['.local', '.tools', 'coverage', 'bench/results', '**/.serverless', '**/.esbuild'],
  // Two cores, shared: one test process. Static mutants (module-level constants: regexes, key lists,
  // schemas) each rerun every unit test, so that they took nearly nine tenths of a full run: they
  // are left out, and counted apart by the scores script. Their behaviour has tests all the same.
  concurrency: 1,
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // The per-group thresholds are scripts/mutation-scores.js's; this is only the report's colouring.
  thresholds: { high: 80, low: 70, break: null },
};
