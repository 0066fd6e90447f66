import { QueueJobLifecyclePartitions1764405000000 } from '../../../lib/store/migrations/1764405000000-queue-job-lifecycle-partitions.js';
import { QUEUE_JOB_MIGRATIONS } from '../../../lib/store/migrations/index.js';

const LIFECYCLE = QUEUE_JOB_MIGRATIONS.indexOf(QueueJobLifecyclePartitions1764405000000);

/** The module's migrations before the lifecycle partitions (`…5000000`): the single-table schema. */
export const BEFORE_LIFECYCLE = QUEUE_JOB_MIGRATIONS.slice(0, LIFECYCLE);

/** The module's migrations up to the lifecycle partitions, so that undoing the last undoes them. */
export const THROUGH_LIFECYCLE = QUEUE_JOB_MIGRATIONS.slice(0, LIFECYCLE + 1);
