import type { PreparedJob } from '../enqueue/prepared-job.js';

/** A job recorded by a trap instead of being stored. */
export interface TrappedJob {
  uuid: string;
  /** E.g. `<OrderService>.confirm`. */
  jobFunction: string;
  args: unknown[];
  priority: number;
  eta: Date | null;
  maxRetries: number;
  description: string;
  channel: string;
  identityKey: string | null;
  graphUuid: string | null;
  /** Uuids of the trapped jobs this one waits for. */
  dependsOn: string[];
  performed: boolean;
}

/** The properties `assertEnqueued` can compare (on the keys given). */
export type TrappedJobProperties = Partial<Pick<TrappedJob, 'priority' | 'eta' | 'maxRetries' | 'description' | 'channel' | 'identityKey'>>;

export function toTrappedJob(job: PreparedJob): TrappedJob {
  const dependencies = job.row.dependencies ? (JSON.parse(job.row.dependencies) as { depends_on: string[] }) : undefined;
  return {
    uuid: job.row.uuid,
    jobFunction: job.fn.name,
    args: job.args,
    priority: job.options.priority,
    eta: job.options.eta,
    maxRetries: job.options.maxRetries,
    description: job.options.description,
    channel: job.options.channel,
    identityKey: job.options.identityKey,
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
