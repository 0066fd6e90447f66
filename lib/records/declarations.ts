import type { RetryPattern } from '../runner/retry-pattern.js';

/** A channel record declared by a module (Odoo's `queue.job.channel` XML record). */
export interface ChannelDeclaration {
  /** One segment, e.g. `sale`. */
  name: string;
  /** Full name of the parent (default `root`), e.g. `root.sale` for `root.sale.eu`. */
  parent?: string;
  /** Days after which done and cancelled jobs of the channel are deleted (default 30). */
  removalInterval?: number;
}

/** How the admin's "Related" button behaves for a job function (SPEC §7). */
export interface RelatedActionConfig {
  /** `false` disables the button (default `true`). */
  enable?: boolean;
  /** Name given to `@RelatedAction(name)` on a provider method; default: open the job's records. */
  funcName?: string;
  /** Extra arguments passed to that method. */
  kwargs?: Record<string, unknown>;
}

/**
 * What a job does when a record passed to it (an entity argument) was deleted before it ran:
 * `'fail'` (the default) fails it as a RecordNotFoundError, `'done'` ends it done without calling
 * the method, its result naming the missing record.
 */
export type MissingRecordPolicy = 'fail' | 'done';

export const MISSING_RECORD_POLICIES: readonly MissingRecordPolicy[] = ['fail', 'done'];

/** A job function record declared by a module (Odoo's `queue.job.function` XML record). */
export interface JobFunctionDeclaration {
  /** E.g. `<OrderService>.confirm`. */
  name: string;
  channel?: string;
  retryPattern?: RetryPattern;
  relatedAction?: RelatedActionConfig;
  /** Seconds an attempt may run (see `@Delayable({ timeout })`); a call's `timeout` wins. */
  timeout?: number;
  /** Lease of its jobs in seconds (see `@Delayable({ leaseSeconds })`). */
  leaseSeconds?: number;
  /** When a record passed to its jobs no longer exists (see `@Delayable({ onMissingRecord })`). */
  onMissingRecord?: MissingRecordPolicy;
}

/** `QueueJobModule.forFeature({ channels, jobFunctions })`. */
export interface QueueJobFeatureOptions {
  channels?: ChannelDeclaration[];
  jobFunctions?: JobFunctionDeclaration[];
}

/** A declaration and who made it: a Nest module's class name. */
export interface Declared<T> {
  declaration: T;
  declarer: string;
}
