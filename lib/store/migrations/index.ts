import { QueueJobSchema1764403200000 } from './1764403200000-queue-job-schema.js';
import { QueueJobRecords1764403300000 } from './1764403300000-queue-job-records.js';
import { QueueJobAutovacuum1764403400000 } from './1764403400000-queue-job-autovacuum.js';

/** The module's migrations, in order. Add them to your DataSource's `migrations` if you run migrations yourself (`migrationsRun: false`). */
export const QUEUE_JOB_MIGRATIONS = [QueueJobSchema1764403200000, QueueJobRecords1764403300000, QueueJobAutovacuum1764403400000];
