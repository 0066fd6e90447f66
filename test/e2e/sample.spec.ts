import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { invoiceTrouble } from '../../sample/order.service.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const BATCH_SIZE = 300; // the sample's default
const RUN_TIMEOUT_MS = 150_000;

interface SampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

const MAIN = 'dist/sample/main.js';

/** `npm test` compiles the project first; a lone `jest` run may find nothing compiled yet. */
async function buildIfMissing(): Promise<void> {
  if (existsSync(MAIN)) return;
  await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'])
    .catch((error: { stdout?: string }) => {
      throw new Error(`tsc -p tsconfig.build.json failed:\n${error.stdout ?? String(error)}`);
    });
}

/** The compiled sample, run as `npm start` runs it, with SAMPLE_EXIT_WHEN_DONE=1. */
function runSample(databaseUrl: string, track: (child: ChildProcess) => void): Promise<SampleRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, SAMPLE_EXIT_WHEN_DONE: '1', PORT: '0' };
  for (const name of ['QUEUE_JOB_CHANNELS', 'QUEUE_JOB_RUNNER', 'QUEUE_JOB_NO_DELAY', 'TEST_QUEUE_JOB_NO_DELAY', 'SAMPLE_ORDERS']) {
    delete env[name];
  }
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

describe('sample app (npm start)', () => {
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  let run: SampleRun;

  beforeAll(async () => {
    await buildIfMissing();
    db = await createTestDatabase();
    run = await runSample(db.url, (c) => (child = c));
  }, 240_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db?.drop();
  });

  const orderIds = async () =>
    (await db.pool.query<{ id: number }>('SELECT id FROM shop_order ORDER BY id')).rows.map((row) => row.id);

  it('runs the demo batch, prints the summary and exits 0', () => {
    if (run.code !== 0) throw new Error(`the sample exited with ${run.code ?? run.signal}:\n${run.output}`);
    expect(run.output).toContain('Demo batch settled in');
    expect(run.output).toMatch(/^channel\s+wait_dependencies\s+pending\s+enqueued\s+started\s+done\s+cancelled\s+failed\s+total$/m);
    expect(run.output).toMatch(new RegExp(`^root\\.sale\\s+0\\s+0\\s+0\\s+0\\s+${BATCH_SIZE}\\s+0\\s+0\\s+${BATCH_SIZE}$`, 'm'));
  });

  it('confirms every order, and invoices all but those whose invoice fails on purpose', async () => {
    const { rows } = await db.pool.query<{ id: number; state: string; confirmed_at: Date | null; invoiced_at: Date | null }>(
      'SELECT id, state, confirmed_at, invoiced_at FROM shop_order ORDER BY id');
    expect(rows).toHaveLength(BATCH_SIZE);
    const seen = rows.map((o) => ({ id: o.id, state: o.state, confirmed: o.confirmed_at !== null, invoiced: o.invoiced_at !== null }));
    const expected = rows.map(({ id }) => {
      const failsForGood = invoiceTrouble(id) === 'no-mailbox';
      return { id, state: failsForGood ? 'confirmed' : 'invoiced', confirmed: true, invoiced: !failsForGood };
    });
    expect(seen).toEqual(expected);
  });

  it('leaves no job unfinished, fails exactly the invoices it fails on purpose, retries the busy ones once', async () => {
    const ids = await orderIds();
    const noMailbox = ids.filter((id) => invoiceTrouble(id) === 'no-mailbox').length;
    const busyOnce = ids.filter((id) => invoiceTrouble(id) === 'busy-once').length;
    expect(noMailbox).toBeGreaterThan(0);
    expect(busyOnce).toBeGreaterThan(0);

    const { rows } = await db.pool.query<{ job_function: string; channel: string; state: string; retry: number; exc_name: string | null; n: number }>(
      `SELECT job_function, channel, state, retry, exc_name, count(*)::int AS n FROM queue_job
       GROUP BY job_function, channel, state, retry, exc_name ORDER BY job_function, state, retry`);
    expect(rows).toEqual([
      { job_function: '<OrderService>.confirm', channel: 'root.sale', state: 'done', retry: 1, exc_name: null, n: BATCH_SIZE },
      { job_function: '<OrderService>.sendInvoice', channel: 'root.mail', state: 'done', retry: 1, exc_name: null, n: BATCH_SIZE - noMailbox - busyOnce },
      { job_function: '<OrderService>.sendInvoice', channel: 'root.mail', state: 'done', retry: 2, exc_name: null, n: busyOnce },
      { job_function: '<OrderService>.sendInvoice', channel: 'root.mail', state: 'failed', retry: 1, exc_name: 'Error', n: noMailbox },
    ]);
    expect(run.output).toMatch(new RegExp(
      `^root\\.mail\\s+0\\s+0\\s+0\\s+0\\s+${BATCH_SIZE - noMailbox}\\s+0\\s+${noMailbox}\\s+${BATCH_SIZE}$`, 'm'));
  });
});
