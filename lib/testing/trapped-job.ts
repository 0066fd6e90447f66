import type { EffectiveDelayOptions } from '../enqueue/delay-options.js';
import type { PreparedJob } from '../enqueue/prepared-job.js';

/** A job recorded by a trap instead of being stored: its effective options, and what identifies it. */
export interface TrappedJob extends EffectiveDelayOptions {
  uuid: string;
  /** E.g. `<OrderService>.confirm`. */
  jobFunction: string;
  args: unknown[];
  graphUuid: string | null;
  /** Uuids of the trapped jobs this one waits for. */
  dependsOn: string[];
  /** Ran to an end: done, or failed (see `state`). A job retrying stays to be performed again. */
  performed: boolean;
  /** Attempts so far, counted as the runner counts them (`currentJob().retry` of the last one). */
  retry: number;
  /** `pending` until performed; a retry keeps it pending with a later `eta`. */
  state: 'pending' | 'done' | 'failed';
  /** The last `currentJob().progress()` of its last attempt (0 to 1), as the runner would store it; null after a retry, as in the queue. */
  progress: number | null;
  progressMessage: string | null;
}

/** The properties `assertEnqueued` can compare (on the keys given). */
export type TrappedJobProperties = Partial<EffectiveDelayOptions>;

export function toTrappedJob(job: PreparedJob): TrappedJob {
  const dependencies = job.row.dependencies ? (JSON.parse(job.row.dependencies) as { depends_on: string[] }) : undefined;
  return {
    ...job.options,
    uuid: job.row.uuid,
    jobFunction: job.fn.name,
    args: job.args,
    graphUuid: job.row.graphUuid,
    dependsOn: dependencies?.depends_on ?? [],
    performed: false,
    retry: 0,
    state: 'pending',
    progress: null,
    progressMessage: null,
  };
}

/** One line per job, for failure messages. */
export function describeTrapped(job: TrappedJob, storedArgs: string): string {
  const options = `priority ${job.priority}, channel ${job.channel}${job.eta ? `, eta ${job.eta.toISOString()}` : ''}`;
  const outcome = job.performed ? ` (performed: ${job.state})` : job.retry > 0 ? ` (retrying: attempt ${job.retry} of ${job.maxRetries || 'no limit'})` : '';
  return `  ${job.jobFunction}(${storedArgs.slice(1, -1)}) [${options}]${outcome}`;
}
