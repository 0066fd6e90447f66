/** ESM jest + ts-jest (see ../shared/TOOLCHAIN.md). Run through `npm test` (scripts/test.mjs). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }] },
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  // The packed-package test's work folders (under .tmp/) hold apps with package.json files of their own.
  modulePathIgnorePatterns: ['<rootDir>/.tmp/'],
  testTimeout: 60000,
};
