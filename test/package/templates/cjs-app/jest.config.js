/**
 * Nest 12 is ESM only, and CommonJS jest cannot load it ("Must use import to load ES Module"). So the
 * tests run as ES modules: jest in ESM mode (`node --experimental-vm-modules`, see the test script in
 * package.json), ts-jest compiling .ts to ES modules (the tsconfig override below). The app itself
 * stays CommonJS: `tsc` and `node dist/src/main.js` do not change.
 */
module.exports = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { module: 'esnext', moduleResolution: 'bundler', esModuleInterop: true } }],
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
};
