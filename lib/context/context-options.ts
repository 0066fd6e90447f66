import type { JsonValue } from '../enqueue/argument-serializer.js';
import { invalidOption } from '../queue-job.messages.js';

/** A JSON object: what a job's context holds. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * The module option `context`: what travels from the code that enqueues a job to the code that runs
 * it (queue_job runs a job as the user who enqueued it, with the company and an allow-listed context).
 * Ready-made: `asyncLocalStorageContext(storage)`, and `clsContext({ keys })` from `nestjs-queue-job/cls`.
 */
export interface QueueJobContextOptions {
  /**
   * Called at each enqueue, in the enqueuer's async context: the context stored with the job (JSON
   * values only), or `null` / `undefined` for none. A top-level `userId` (a string or a number) is
   * also stored in the `user_id` column.
   */
  capture(): JsonObject | null | undefined;
  /**
   * Called by the runner around each execution, with the stored context (`{}` when none was
   * captured): runs `run` inside that context and returns its result.
   */
  restore(context: JsonObject, run: () => Promise<unknown>): Promise<unknown>;
}

/** The key of a captured context whose value is also stored in `user_id`. */
export const USER_ID_KEY = 'userId';

/** Checks the option's shape at startup; `null` when the option is not set. */
export function contextOption(value: QueueJobContextOptions | undefined): QueueJobContextOptions | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || typeof value.capture !== 'function' || typeof value.restore !== 'function') {
    throw new Error(invalidOption('context', describe(value),
      'an object with capture() and restore(context, run), e.g. asyncLocalStorageContext(storage) or clsContext({ keys })'));
  }
  return value;
}

function describe(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'function' ? '[function]' : v]));
}
