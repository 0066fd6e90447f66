// The sample shop: `npm start`. Environment: DATABASE_URL (else an embedded PostgreSQL in
// .sample-pg/), PORT (default 3000), SAMPLE_ORDERS (size of the demo batch, default 300),
// SAMPLE_EXIT_WHEN_DONE=1 (exit after the demo batch instead of serving).
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createServer, type AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { JobService } from '../lib/index.js';
import { AppModule } from './app.module.js';
import { openDatabase, type Database } from './database.js';
import { countUnfinishedJobs } from './job-counts.js';
import { enqueueDemoBatch, orderStates, waitForBatch } from './demo-batch.js';
import { MAIL_CHANNEL, OrderService, SALE_CHANNEL } from './order.service.js';
import { ProgressDisplay, ProgressLogger } from './progress.js';
import { summaryTable } from './summary.js';

const batchSize = wholeNumber('SAMPLE_ORDERS', 300, 1);
const wantedPort = wholeNumber('PORT', 3000, 0);
const exitWhenDone = process.env.SAMPLE_EXIT_WHEN_DONE === '1';

const display = new ProgressDisplay([SALE_CHANNEL, MAIL_CHANNEL], batchSize);
let database: Database | undefined;
let app: INestApplication | undefined;
let closing = false;
const stopWatching = new AbortController();

async function main(): Promise<void> {
  database = await openDatabase();
  console.log(`Database: ${database.description}`);
  for (const note of database.notes) console.log(note);

  app = await NestFactory.create(AppModule.forDatabase(database.url), {
    logger: new ProgressLogger(display, { logLevels: ['fatal', 'error', 'warn'], colors: process.stdout.isTTY === true }),
  });
  const port = await listen(app, wantedPort);

  const db = app.get<DataSource>(getDataSourceToken());
  const earlier = await countUnfinishedJobs(db);
  if (earlier > 0) console.log(`${earlier} unfinished job(s) of earlier runs are queued ahead of this batch (older jobs run first).`);
  display.start();
  const batch = await enqueueDemoBatch(app.get(JobService), app.get(OrderService), batchSize);
  console.log(`Placed ${batchSize} orders (#${batch.orderIds[0]}-#${batch.orderIds.at(-1)}) and enqueued their confirmations; ` +
    'each confirmation enqueues an invoice.');
  const progress = await waitForBatch(db, batch, (p) => display.update(p), stopWatching.signal);
  display.finish();

  const orders = await orderStates(db, batch);
  const failed = progress.counts[MAIL_CHANNEL]?.failed ?? 0;
  console.log(`\nDemo batch settled in ${display.elapsedSeconds.toFixed(1)} s. Its jobs by channel and state:\n`);
  console.log(summaryTable(progress.counts));
  console.log(`\nOrders: ${Object.entries(orders).map(([state, n]) => `${n} ${state}`).join(', ')}. ` +
    `${progress.retried} job(s) needed a retry; ${failed} invoice(s) failed for good (see queue_job.exc_message).`);

  if (exitWhenDone) return shutdown(0);
  const url = `http://localhost:${port}`;
  console.log(`\nThe shop is open on ${url} (Ctrl-C to stop). Try:\n` +
    `  curl -X POST ${url}/orders -H 'content-type: application/json' -d '{"customer":"ada@example.com","amount":42}'\n` +
    `  curl ${url}/orders/1\n` +
    `  curl ${url}/jobs/summary\n` +
    `The Job Queue admin: ${url}/queue-job (user ${process.env.QUEUE_JOB_ADMIN_USER ?? 'admin'}, password from QUEUE_JOB_ADMIN_PASSWORD, default admin)`);
}

/** Listens on `port`, or on the next free one if it is taken (port 0: any free port). */
async function listen(nest: INestApplication, port: number): Promise<number> {
  let candidate = port;
  while (port !== 0 && !(await isFree(candidate))) {
    if (candidate - port >= 20) throw new Error(`Ports ${port}-${candidate} are all in use: set PORT to a free one`);
    candidate++;
  }
  if (candidate !== port) console.log(`Port ${port} is in use: listening on ${candidate} instead`);
  await nest.listen(candidate);
  return (nest.getHttpServer().address() as AddressInfo).port;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

/** Closes the app (the runner lets running jobs finish), then stops the embedded PostgreSQL. */
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  stopWatching.abort();
  display.finish();
  try {
    await app?.close();
  } catch (error) {
    console.error('Closing the app failed:', error);
    code ||= 1;
  }
  await database?.stop().catch((error: unknown) => console.error('Stopping PostgreSQL failed:', error));
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(1); // a second Ctrl-C: do not wait
    display.finish();
    console.log(`\n${signal}: shutting down`);
    void shutdown(signal === 'SIGINT' ? 130 : 143);
  });
}

function wholeNumber(name: string, fallback: number, min: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new Error(`${name} must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
  return Number(value);
}

main().catch(async (error: unknown) => {
  if (closing) return; // interrupted by a signal: shutdown() is under way
  console.error(error);
  await shutdown(1);
});
