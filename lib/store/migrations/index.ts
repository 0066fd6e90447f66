import { QueueJobSchema1764403200000 } from './1764403200000-queue-job-schema.js';
import { QueueJobRecords1764403300000 } from './1764403300000-queue-job-records.js';
import { QueueJobAutovacuum1764403400000 } from './1764403400000-queue-job-autovacuum.js';
import { QueueJobContext1764403500000 } from './1764403500000-queue-job-context.js';
import { QueueJobCycle1764403600000 } from './1764403600000-queue-job-cycle.js';
import { QueueJobNotify1764403650000 } from './1764403650000-queue-job-notify.js';
import { QueueJobAdmin1764403700000 } from './1764403700000-queue-job-admin.js';
import { QueueJobCronSlots1764403800000 } from './1764403800000-queue-job-cron-slots.js';
import { QueueJobClaimNext1764403900000 } from './1764403900000-queue-job-claim-next.js';
import { QueueJobClaimOneRow1764404000000 } from './1764404000000-queue-job-claim-one-row.js';
import { QueueJobPendingHeads1764404100000 } from './1764404100000-queue-job-pending-heads.js';
import { QueueJobMixedFleets1764404200000 } from './1764404200000-queue-job-mixed-fleets.js';
import { QueueJobTimeout1764404300000 } from './1764404300000-queue-job-timeout.js';
import { QueueJobProgress1764404600000 } from './1764404600000-queue-job-progress.js';
import { QueueJobChannelSettings1764404800000 } from './1764404800000-queue-job-channel-settings.js';
import { QueueJobLifecyclePartitions1764405000000 } from './1764405000000-queue-job-lifecycle-partitions.js';
import { QueueJobClaimFlushApart1764405100000 } from './1764405100000-queue-job-claim-flush-apart.js';

/** The module's migrations, in order. Add them to your DataSource's `migrations` if you run migrations yourself (`migrationsRun: false`). */
export const QUEUE_JOB_MIGRATIONS = [QueueJobSchema1764403200000, QueueJobRecords1764403300000, QueueJobAutovacuum1764403400000, QueueJobContext1764403500000,
  QueueJobCycle1764403600000, QueueJobNotify1764403650000, QueueJobAdmin1764403700000,
  QueueJobCronSlots1764403800000, QueueJobClaimNext1764403900000, QueueJobClaimOneRow1764404000000,
  QueueJobPendingHeads1764404100000, QueueJobMixedFleets1764404200000,
  QueueJobTimeout1764404300000, QueueJobProgress1764404600000, QueueJobChannelSettings1764404800000,
  QueueJobLifecyclePartitions1764405000000, QueueJobClaimFlushApart1764405100000];
