import { SetMetadata } from '@nestjs/common';
import { ON_JOB_FAILURE_METADATA } from './observability.constants.js';

/**
 * Marks a provider method as the failure handler of job functions (Odoo's failure notification):
 * `@OnJobFailure('<OrderService>.confirm')`, several names, or none for every job function. It is
 * called once, with the `job.failed` event, when a job fails for good (an error, max retries reached,
 * or JobFoundDead); never for a retry. Names are checked at startup.
 */
export const OnJobFailure = (...jobFunctions: string[]): MethodDecorator => SetMetadata(ON_JOB_FAILURE_METADATA, jobFunctions);
