/** @type {import('jest').Config} */
const moduleNameMapper = { '^@tcplab/tcp-core(.*)$': '<rootDir>/libs/tcp-core/src$1' };
// jose 6 (the LTI module's JWTs) is ESM-only, which Jest's module runtime cannot load on Node 20: its files are
// compiled to CommonJS like ours, in the projects that load it (the API, and the LTI platform emulator in the fault and browser tests).
const joseTransform = { '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }] };
const joseNotIgnored = ['/node_modules/(?!jose/)'];

module.exports = {
  // Only the top level's counts: jest-circus reads the global config, so a project's own testTimeout was ignored
  // and every test and hook without one of its own had 5 s (the e2e suites' start-ups timed out on a busy machine).
  testTimeout: 30000,
  projects: [
    {
      displayName: 'tcp-core',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.linux\\.spec\\.ts$'],
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
        ...joseTransform,
      },
      transformIgnorePatterns: joseNotIgnored,
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
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }], ...joseTransform },
      transformIgnorePatterns: joseNotIgnored,
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/api/faults/**/*.fault.spec.ts'],
      globalSetup: '<rootDir>/apps/api/faults/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.mjs',
    },
    {
      // The playground's pages in Debian's Chromium (playwright-core), against the built service.
      displayName: 'browser',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }], ...joseTransform },
      transformIgnorePatterns: joseNotIgnored,
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/api/browser/**/*.browser.spec.ts'],
      globalSetup: '<rootDir>/apps/api/faults/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.mjs',
    },
    {
      // tcp-core against the real Linux TCP in a network namespace (root, ip netns, TUN); skipped with the reason elsewhere.
      displayName: 'linux',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/tcp-core/test/linux/**/*.linux.spec.ts'],
      globalSetup: '<rootDir>/libs/tcp-core/test/linux/netns-setup.js',
      globalTeardown: '<rootDir>/libs/tcp-core/test/linux/netns-teardown.js',
      testTimeout: 30000,
    },
  ],
};
