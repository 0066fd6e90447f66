import { recordNotFound } from '../queue-job.messages.js';

/**
 * A record passed to a job (an entity argument, stored as a reference) was deleted before the job
 * ran, so the job cannot be called with it. `@Delayable({ onMissingRecord: 'done' })` ends such jobs
 * as done instead of failed.
 */
export class RecordNotFoundError extends Error {
  /** The entity's name, e.g. `ShopOrder`. */
  readonly entity: string;
  /** Its primary key as stored: a value, or an object of the columns of a composite key. */
  readonly id: unknown;

  constructor(entity: string, id: unknown) {
    super(recordNotFound(entity, id));
    this.name = 'RecordNotFoundError';
    this.entity = entity;
    this.id = id;
  }
}
