import type { JobFunction } from '../discovery/job-function.js';
import { deserializeArguments } from '../enqueue/argument-deserializer.js';
import type { EntityLoader, JsonValue } from '../enqueue/argument-serializer.js';
import { isInstance } from '../errors/describe-thrown.js';
import { NothingToDoJob } from '../errors/nothing-to-do-job.error.js';
import { RecordNotFoundError } from '../errors/record-not-found.error.js';
import { skippedMissingRecord } from '../queue-job.messages.js';

/**
 * The arguments a job runs with: its stored ones, records loaded again. A record deleted since the
 * enqueue throws RecordNotFoundError (the job fails), or, when the job function says
 * `onMissingRecord: 'done'`, a NothingToDoJob naming the record (the job ends done, its method not called).
 */
export async function jobArguments(stored: readonly JsonValue[], loader: EntityLoader, fn: Pick<JobFunction, 'onMissingRecord'>): Promise<unknown[]> {
  try {
    return await deserializeArguments(stored, loader);
  } catch (error) {
    if (isInstance(error, RecordNotFoundError) && fn.onMissingRecord === 'done') throw new NothingToDoJob(skippedMissingRecord(error.entity, error.id));
    throw error;
  }
}
