// One jest run for the whole repository: pure unit tests (shared, server rules) and integration /
// end-to-end tests against the real PostgreSQL, Redis and Chromium.
const swc = ['@swc/jest', {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
}];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@stockfleet/shared$': '<rootDir>/shared/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  rootDir: __dirname,
  testEnvironment: 'node',
};
module.exports = {
  // Integration and browser tests talk to real services; per-test timeouts are generous, never assertions on speed.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/.ci/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/shared/src/**/*.spec.ts', '<rootDir>/server/src/**/*.spec.ts', '<rootDir>/terminal/src/**/*.spec.ts', '<rootDir>/admin/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/server/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/server/test/global-setup.ts',
      globalTeardown: '<rootDir>/server/test/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/server/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/server/test/global-setup.ts',
      globalTeardown: '<rootDir>/server/test/global-teardown.ts',
    },
  ],
};
