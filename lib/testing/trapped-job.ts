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
  performed: boolean;
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
  };
}

/** One line per job, for failure messages. */
export function describeTrapped(job: TrappedJob, storedArgs: string): string {
  const options = `priority ${job.priority}, channel ${job.channel}${job.eta ? `, eta ${job.eta.toISOString()}` : ''}`;
  return `  ${job.jobFunction}(${storedArgs.slice(1, -1)}) [${options}]${job.performed ? ' (performed)' : ''}`;
}
