#!/usr/bin/env node
// `npm test`: runs jest (ESM) against a real PostgreSQL — DATABASE_URL when set, else an embedded
// one started here — and ends with the plain line `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { startEmbeddedPostgres } from './embedded-postgres.mjs';

// Per run: several `npm test` may run at once on one machine.
const resultsFile = `.tmp/jest-results-${process.pid}.json`;
const pgDir = `.tmp/test-pg-${process.pid}`;
mkdirSync('.tmp', { recursive: true });
rmSync(resultsFile, { force: true });

// Tests that start real processes (the sample, the fault suite's workers) run the compiled code.
const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let embedded;
let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.log('DATABASE_URL is not set: starting an embedded PostgreSQL for the tests');
  embedded = await startEmbeddedPostgres({ dir: pgDir, fresh: true });
  databaseUrl = embedded.url;
}

const jest = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js',
    // --forceExit: a library under test that leaves a timer or socket behind must not hang CI.
    '--json', `--outputFile=${resultsFile}`, '--forceExit', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, QUEUE_JOB_TEST_DATABASE_URL: databaseUrl } },
);
const code = await new Promise((resolve) => jest.on('close', (c) => resolve(c ?? 1)));
await embedded?.stop().catch(() => {});
rmSync(pgDir, { recursive: true, force: true });

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
} catch {
  failed = 1; // jest died before writing its results
}
rmSync(resultsFile, { force: true });
if (code !== 0 && failed === 0) console.log(`jest exited with code ${code} although every test passed (see its output above)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
