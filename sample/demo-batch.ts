import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import type { JobService } from '../lib/index.js';
import { tally, type CountRow, type JobCounts } from './job-counts.js';
import { Order } from './order.entity.js';
import type { OrderService } from './order.service.js';

const CUSTOMERS = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'edsger', 'frances', 'dennis', 'radia', 'alan'];

/** The jobs of one demo batch: its orders' confirmations, and the invoice job each confirmation enqueued. */
export interface DemoBatch {
  orderIds: number[];
  confirmJobs: string[];
}

export interface BatchProgress {
  /** This batch's jobs per channel and state (invoices appear as their confirmations enqueue them). */
  counts: JobCounts;
  /** Jobs that needed more than one attempt. */
  retried: number;
  /** Nothing left to run: every confirmation and every invoice job it enqueued is done or failed. */
  settled: boolean;
}

const UNFINISHED = new Set(['wait_dependencies', 'pending', 'enqueued', 'started']);

/** Places `size` orders and enqueues their confirmations, in one transaction. */
export async function enqueueDemoBatch(jobs: JobService, orderService: OrderService, size: number): Promise<DemoBatch> {
  return jobs.transaction(async (manager) => {
    const orders = await manager.save(Array.from({ length: size }, (_, i) =>
      manager.create(Order, { customer: `${CUSTOMERS[i % CUSTOMERS.length]}@example.com`, amount: 10 + ((i * 37) % 490) })));
    // One INSERT for all the jobs; it joins the transaction opened by jobs.transaction().
    const confirmations = await jobs.enqueueMany(orderService, 'confirm', orders.map((order) => [order]));
    return { orderIds: orders.map((order) => order.id), confirmJobs: confirmations.map((job) => job.uuid) };
  });
}

/**
 * Where the batch stands. Only its own jobs count (not those of earlier runs, nor orders placed over
 * HTTP meanwhile): the confirmations by uuid, and the invoice job whose uuid each one returned.
 */
export async function batchProgress(db: DataSource, batch: DemoBatch): Promise<BatchProgress> {
  const rows: Array<CountRow & { retried: number }> = await db.query(`
    WITH confirm AS (SELECT channel, state, retry, result FROM queue_job WHERE uuid = ANY($1::uuid[])),
    invoice AS (
      SELECT j.channel, j.state, j.retry FROM confirm c JOIN queue_job j ON j.uuid = (c.result->>'invoiceJob')::uuid
      WHERE c.state = 'done')
    SELECT channel, state, count(*)::int AS n, count(*) FILTER (WHERE retry > 1)::int AS retried
    FROM (SELECT channel, state, retry FROM confirm UNION ALL SELECT * FROM invoice) jobs
    GROUP BY channel, state`, [batch.confirmJobs]);
  return {
    counts: tally(rows),
    retried: rows.reduce((sum, row) => sum + row.retried, 0),
    settled: rows.every((row) => !UNFINISHED.has(row.state)),
  };
}

/** Polls the batch every 100 ms, reporting each reading, until it settles (or `signal` aborts). */
export async function waitForBatch(
  db: DataSource, batch: DemoBatch, onProgress: (progress: BatchProgress) => void, signal?: AbortSignal,
): Promise<BatchProgress> {
  for (;;) {
    const progress = await batchProgress(db, batch);
    onProgress(progress);
    if (progress.settled) return progress;
    await sleep(100, undefined, { signal });
  }
}

/** The batch's orders per state, e.g. `{ invoiced: 294, confirmed: 6 }`. */
export async function orderStates(db: DataSource, batch: DemoBatch): Promise<Record<string, number>> {
  const rows: Array<{ state: string; n: number }> = await db.query(
    'SELECT state, count(*)::int AS n FROM shop_order WHERE id = ANY($1::int[]) GROUP BY state', [batch.orderIds]);
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}
