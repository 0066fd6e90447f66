import { RetryableJobError } from './retryable-job.error.js';

/**
 * The attempt outlived its timeout (`@Delayable({ timeout })`, the job function record, the call's
 * option or `runner.jobTimeout`): a retry that counts, which fails as JobTimeoutError when it was the
 * last, so that the admin says why rather than "Max. retries reached" alone.
 */
export class JobTimeoutError extends RetryableJobError {
  constructor(readonly timeoutSeconds: number) {
    super(`Job timed out: still running after its timeout of ${timeoutSeconds} s; currentJob().signal was aborted and its late outcome will be ignored`);
    // A literal, not `new.target.name`: `exc_name` must survive minification.
    this.name = 'JobTimeoutError';
  }
}
