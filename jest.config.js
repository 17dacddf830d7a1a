/** @type {import('jest').Config} */
const moduleNameMapper = { '^@tcplab/tcp-core(.*)$': '<rootDir>/libs/tcp-core/src$1' };

module.exports = {
  // testTimeout is read from the global configuration only (a project's own is ignored): 30 s for every test that
  // does not set its own, for two cores shared by the service, PostgreSQL and the tests.
  testTimeout: 30000,
  projects: [
    {
      displayName: 'tcp-core',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/**/*.spec.ts'],
    },
    {
      displayName: 'api',
      testEnvironment: 'node',
      // The Swagger CLI plugin needs the type checker, so the API is compiled as a whole program here.
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          {
            tsconfig: { ...require('./tsconfig.json').compilerOptions, isolatedModules: false },
            astTransformers: {
              before: ['<rootDir>/apps/api/test/swagger-transformer.js'],
            },
          },
        ],
        // jose 6 (the LTI module's JWTs) is ESM-only, which Jest's module runtime cannot load on Node 20: its files
        // are compiled to CommonJS like ours.
        '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
      },
      transformIgnorePatterns: ['/node_modules/(?!jose/)'],
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/apps/api/faults/', '/apps/api/browser/'],
      globalSetup: '<rootDir>/apps/api/test/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.mjs',
    },
    {
      // Processes of the built service killed, restarted, doubled, and a database stopped under load.
      displayName: 'faults',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/api/faults/**/*.fault.spec.ts'],
      globalSetup: '<rootDir>/apps/api/faults/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.mjs',
    },
    {
      // The playground's pages in Debian's Chromium (playwright-core), against the built service.
      displayName: 'browser',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/api/browser/**/*.browser.spec.ts'],
      globalSetup: '<rootDir>/apps/api/faults/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.mjs',
    },
  ],
};
