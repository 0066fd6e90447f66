import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../errors/describe-thrown.js';
import { AUTOVACUUM_LOCK_KEY, QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { JobStore } from '../store/job-store.js';
import { REMOVAL_INTERVALS_SQL } from '../store/sql/autovacuum.sql.js';
import { dropExpiredDonePartitions, makeDonePartitions } from './done-partitions.js';
import { deleteExpiredRows } from './expired-rows.js';

const INTERVAL_NAME = 'queue_job:autovacuum';
/** With the autovacuum off, the tables of done jobs of the next days are still made, this often. */
const PARTITIONS_ONLY_INTERVAL_MS = 6 * 3600_000;

/**
 * Deletes done and cancelled jobs older than their channel's `removal_interval` (days, default 30),
 * on a schedule (@nestjs/schedule) in every instance whose runner is on; one instance at a time does
 * the work. The done jobs of a UTC day have a table of their own (lifecycle partitions): a day past
 * every channel's interval is dropped whole; expired jobs of the days that also hold jobs to keep are
 * deleted row by row, in batches. Each pass also makes the day tables of the next days. A pass rests
 * after each day it removes and each batch it deletes, in proportion to the work (pacing.ts); shutting
 * down ends the rest and waits for the statement under way.
 */
@Injectable()
export class QueueJobAutovacuum implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  /** Aborted at shutdown: a pass resting between days stops. */
  private readonly stopping = new AbortController();
  private readonly passes = new Set<Promise<unknown>>();

  constructor(
    private readonly store: JobStore,
    private readonly scheduler: SchedulerRegistry,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { interval } = this.options.autovacuum;
    if (!this.options.runsJobs) return;
    const pass = interval === 0 ? () => this.makePartitions() : () => this.run();
    const logFailure = (error: unknown) => this.logger.error(`Autovacuum failed: ${messageOf(error)}`);
    const tracked = () => {
      const running = pass().catch(logFailure);
      this.passes.add(running);
      void running.finally(() => this.passes.delete(running));
    };
    // Apps restarted more often than the autovacuum runs still get their day tables.
    await this.makePartitions().catch(logFailure);
    this.scheduler.addInterval(INTERVAL_NAME, setInterval(tracked, interval || PARTITIONS_ONLY_INTERVAL_MS));
  }

  /** Makes the day tables of done jobs for today and the next days (those missing). */
  async makePartitions(): Promise<string[]> {
    return this.store.withClient((client) => makeDonePartitions(client));
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    this.stopping.abort();
    await Promise.all(this.passes);
  }

  /** The rest between two steps of a pass (pacing.ts): false once the app is shutting down. */
  private readonly rest = (ms: number): Promise<boolean> =>
    sleep(ms, true, { signal: this.stopping.signal }).catch(() => false);

  /** One pass; returns the number of jobs deleted (0 when another instance holds the turn). */
  async run(): Promise<number> {
    return this.store.withClient(async (client) => {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [AUTOVACUUM_LOCK_KEY]);
      if (!rows[0].locked) return 0;
      try {
        const intervals = (await client.query<{ min_days: number | null; max_days: number | null; root_days: number | null }>(REMOVAL_INTERVALS_SQL)).rows[0];
        const rootDays = intervals?.root_days ?? 30;
        const minDays = Math.min(intervals?.min_days ?? rootDays, rootDays);
        const maxDays = Math.max(intervals?.max_days ?? rootDays, rootDays);
        await makeDonePartitions(client);
        const dropped = await dropExpiredDonePartitions(client, maxDays, this.rest);
        const { batchSize } = this.options.autovacuum;
        const deleted = dropped.jobs + await deleteExpiredRows(client,
          { minDays, rootDays, batchSize, lockTimeoutMs: this.options.lockTimeout, left: dropped.left }, this.rest);
        if (deleted > 0) {
          const tables = dropped.tables.length > 0 ? ` (${dropped.jobs} by emptying day tables, ${dropped.tables.join(', ')} dropped)` : '';
          this.logger.log(`Autovacuum deleted ${deleted} old job(s)${tables}`);
        }
        return deleted;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [AUTOVACUUM_LOCK_KEY]);
      }
    });
  }
}
