// Two projects: `unit` needs nothing but Node; `engine` drives the real Docker engine (and, where a test says so,
// the real registry). `npm test` runs both; `npm run test:unit` is the fast loop.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }];
const common = { rootDir: __dirname, testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest } };

module.exports = {
  // Two cores on CI machines; engine tests mostly wait on the engine, unit tests are quick.
  maxWorkers: 2,
  // Engine tests build images; jest ignores testTimeout inside `projects`, so it is set here for all.
  testTimeout: 300_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'engine',
      testMatch: ['<rootDir>/packages/*/test/engine/**/*.test.ts'],
      globalSetup: '<rootDir>/packages/orchestrator/test/engine/global-setup.ts',
    },
  ],
};
