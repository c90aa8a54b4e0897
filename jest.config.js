// Two projects: `unit` needs nothing but Node; `engine` drives the real Docker engine (and, where a test says so,
// the real registry). `npm test` runs both; `npm run test:unit` is the fast loop.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }];
const common = { rootDir: __dirname, testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest } };

const unit = {
  ...common,
  displayName: 'unit',
  testMatch: ['<rootDir>/packages/*/test/unit/**/*.test.ts'],
};
const engine = {
  ...common,
  displayName: 'engine',
  testMatch: ['<rootDir>/packages/*/test/engine/**/*.test.ts'],
  globalSetup: '<rootDir>/packages/orchestrator/test/engine/global-setup.ts',
};

// FRAGMENTS_SKIP_ENGINE_TESTS=1 leaves the engine project out of the run entirely (a skip inside globalSetup would
// still run every engine test file), and says so where a person reads it.
const skipEngine = process.env.FRAGMENTS_SKIP_ENGINE_TESTS === '1';
if (skipEngine && !process.env.JEST_WORKER_ID) {
  process.stderr.write(
    '\n[engine tests] SKIPPED: FRAGMENTS_SKIP_ENGINE_TESTS=1 is set, so only the unit tests run ' +
      '(unset it to run the real-engine tests)\n\n',
  );
}

module.exports = {
  // Two cores on CI machines; engine tests mostly wait on the engine, unit tests are quick.
  maxWorkers: 2,
  // Engine tests build images; jest ignores testTimeout inside `projects`, so it is set here for all.
  testTimeout: 300_000,
  projects: skipEngine ? [unit] : [unit, engine],
};
