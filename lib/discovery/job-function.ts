import type { DelayableOptions } from '../decorators/delayable.decorator.js';
import type { MissingRecordPolicy, RelatedActionConfig } from '../records/declarations.js';
import type { RetryPattern } from '../runner/retry-pattern.js';

/** A `@Delayable()` method found in the app: what may run, and how. */
export interface JobFunction {
  /** E.g. `<OrderService>.confirm`. */
  name: string;
  serviceName: string;
  methodName: string;
  /** The provider instance whose method runs. */
  instance: object;
  /** The method as written (its prototype's holds an interceptor that enqueues calls). */
  method: (...args: unknown[]) => unknown;
  options: DelayableOptions;
  /** Default channel: the job function record's (decorator or `forFeature`), else `root`. */
  channel: string;
  retryPattern: RetryPattern | null;
  relatedAction: RelatedActionConfig | null;
  /** Seconds an attempt may run, from the decorator or `forFeature` (a call's `timeout` wins); null: `runner.jobTimeout`. */
  timeout: number | null;
  /** Lease of its jobs in seconds; null: `runner.leaseSeconds`. */
  leaseSeconds: number | null;
  /** What its jobs do when a record passed to them was deleted: from the decorator or `forFeature` (default 'fail'). */
  onMissingRecord: MissingRecordPolicy;
  /** The Nest module whose provider declares it. */
  declarer: string;
}

export const jobFunctionName = (serviceName: string, methodName: string) => `<${serviceName}>.${methodName}`;
