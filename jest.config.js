/** ESM jest + ts-jest (see ../shared/TOOLCHAIN.md). Run through `npm test` (scripts/test.mjs). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }] },
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  // The packed-package test's template apps are projects of their own, run by that test in a copy.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/templates/'],
  modulePathIgnorePatterns: ['<rootDir>/test/package/templates/'],
  testTimeout: 60000,
};
