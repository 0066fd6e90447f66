import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AUTOVACUUM_LOCK_KEY, QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { JobStore } from '../store/job-store.js';
import { DELETE_OLD_CANCELLED_SQL, DELETE_OLD_DONE_SQL, REMOVAL_INTERVALS_SQL } from '../store/sql/autovacuum.sql.js';

const INTERVAL_NAME = 'queue_job:autovacuum';

/**
 * Deletes done and cancelled jobs older than their channel's `removal_interval` (days, default 30),
 * in batches, on a schedule (@nestjs/schedule) in every instance whose runner is on; one instance at
 * a time does the work.
 */
@Injectable()
export class QueueJobAutovacuum implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueJob');

  constructor(
    private readonly store: JobStore,
    private readonly scheduler: SchedulerRegistry,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {}

  onApplicationBootstrap(): void {
    const { interval } = this.options.autovacuum;
    if (!this.options.runsJobs || interval === 0) return;
    this.scheduler.addInterval(INTERVAL_NAME, setInterval(() => void this.run().catch((e: Error) => this.logger.error(`Autovacuum failed: ${e.message}`)), interval));
  }

  beforeApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
  }

  /** One pass; returns the number of jobs deleted (0 when another instance holds the turn). */
  async run(): Promise<number> {
    return this.store.withClient(async (client) => {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [AUTOVACUUM_LOCK_KEY]);
      if (!rows[0].locked) return 0;
      try {
        const intervals = (await client.query<{ min_days: number | null; root_days: number | null }>(REMOVAL_INTERVALS_SQL)).rows[0];
        const rootDays = intervals?.root_days ?? 30;
        const minDays = Math.min(intervals?.min_days ?? rootDays, rootDays);
        let deleted = 0;
        for (const sql of [DELETE_OLD_DONE_SQL, DELETE_OLD_CANCELLED_SQL]) {
          for (;;) {
            const { rowCount } = await client.query(sql, [minDays, rootDays, this.options.autovacuum.batchSize]);
            deleted += rowCount ?? 0;
            if ((rowCount ?? 0) < this.options.autovacuum.batchSize) break;
          }
        }
        if (deleted > 0) this.logger.log(`Autovacuum deleted ${deleted} old job(s)`);
        return deleted;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [AUTOVACUUM_LOCK_KEY]);
      }
    });
  }
}
