import { Inject, Injectable } from '@nestjs/common';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';

/**
 * Decides whether `@Delayable()` calls are stored as jobs or run at once. It is the injection token:
 * tests override it, e.g. `.overrideProvider(QueueJobDelayPolicy).useClass(NoDelayPolicy)`.
 */
export abstract class QueueJobDelayPolicy {
  /** `true`: store a job; `false`: run the method now, in the caller's context, storing nothing. */
  abstract delays(): boolean;
}

/** The same token under the name SPEC §8 uses. */
export const QUEUE_JOB_DELAY_POLICY = QueueJobDelayPolicy;

/** Delays unless the `noDelay` option or `TEST_QUEUE_JOB_NO_DELAY` / `QUEUE_JOB_NO_DELAY` says otherwise. */
@Injectable()
export class DefaultDelayPolicy extends QueueJobDelayPolicy {
  constructor(@Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions) {
    super();
  }

  delays(): boolean {
    return !this.options.noDelay;
  }
}

/** Never delays: every `@Delayable()` call runs at once. For tests. */
@Injectable()
export class NoDelayPolicy extends QueueJobDelayPolicy {
  delays(): boolean {
    return false;
  }
}
