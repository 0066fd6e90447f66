import { SetMetadata } from '@nestjs/common';
import type { DelayableDecorator, DelayableOptions } from '../decorators/delayable.decorator.js';
import { DELAYABLE_METADATA } from '../queue-job.constants.js';
import { DELAYABLE_CRON_METADATA } from './cron.constants.js';
import { interceptCalls } from '../decorators/delayable-interception.js';

/** What to do at startup about the slots that passed while no instance ran (downtime). */
export type MissedSlotPolicy = 'skip' | 'runOnce';

/** Options of `@DelayableCron()`: the job's defaults (as `@Delayable()`) plus the schedule's. */
export interface DelayableCronOptions extends Omit<DelayableOptions, 'eta' | 'identityKey'> {
  /** IANA time zone of the expression, e.g. `Europe/Paris` (default: the system's). */
  timeZone?: string;
  /** Skip a slot while the job of the previous one is still waiting, pending, enqueued or started (default false). */
  noParallelRun?: boolean;
  /** At startup, if slots were missed since the last one claimed: `'runOnce'` enqueues one job for the latest (default), `'skip'` none. */
  missedSlots?: MissedSlotPolicy;
}

/** What `@DelayableCron()` records on the method. */
export interface DelayableCronMetadata {
  cronExpression: string;
  options: DelayableCronOptions;
}

/**
 * Enqueues a job of the method at each slot of `cronExpression` (`@nestjs/schedule` syntax, 5 fields
 * or 6 with seconds first: `'0 2 * * *'`, `'15 0 * * * *'`). Every app instance whose runner is on fires at
 * each slot, and exactly one job is enqueued per slot. The method is a job function (no
 * `@Delayable()` needed) and is called with the slot's `Date` as its only argument; like a
 * `@Delayable()` one, it must return a Promise (a direct call resolves to the stored `Job`).
 */
export function DelayableCron(cronExpression: string, options: DelayableCronOptions = {}): DelayableDecorator {
  const { timeZone: _timeZone, noParallelRun: _noParallelRun, missedSlots: _missedSlots, ...jobOptions } = options;
  return (target, key, descriptor) => {
    interceptCalls(key, descriptor);
    // Decorators apply bottom-up: merge with an @Delayable() below, and one above wins for its own keys.
    const existing = (Reflect.getMetadata(DELAYABLE_METADATA, descriptor.value as object) ?? {}) as DelayableOptions;
    SetMetadata(DELAYABLE_METADATA, { ...existing, ...jobOptions })(target, key, descriptor);
    SetMetadata<string, DelayableCronMetadata>(DELAYABLE_CRON_METADATA, { cronExpression, options })(target, key, descriptor);
  };
}
