/** Metadata key written by `@DelayableCron()`. */
export const DELAYABLE_CRON_METADATA = 'queue_job:delayable_cron';

/** Name of a cron's `CronJob` in `@nestjs/schedule`'s `SchedulerRegistry`. */
export const cronJobName = (jobFunction: string) => `queue_job:cron:${jobFunction}`;
