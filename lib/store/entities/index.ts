import { QueueJobChannel } from './queue-job-channel.entity.js';
import { QueueJobFunction } from './queue-job-function.entity.js';
import { QueueJob } from './queue-job.entity.js';

export { QueueJob, QueueJobChannel, QueueJobFunction };

/** Add these to your DataSource's `entities` to use TypeORM repositories on the queue tables. */
export const QUEUE_JOB_ENTITIES = [QueueJob, QueueJobChannel, QueueJobFunction];
