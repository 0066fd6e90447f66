import { QueueJobSchema1764403200000 } from './1764403200000-queue-job-schema.js';

/** The module's migrations, in order. Add them to your DataSource's `migrations` if you run migrations yourself (`migrationsRun: false`). */
export const QUEUE_JOB_MIGRATIONS = [QueueJobSchema1764403200000];
