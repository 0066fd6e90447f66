import { createHash } from 'node:crypto';
import type { JsonValue } from './argument-serializer.js';

/** What an identity key function sees of the job being enqueued. */
export interface IdentityKeySource {
  /** E.g. `<OrderService>.sendInvoice`. */
  jobFunction: string;
  /** The call's arguments as given to the method: entities as entity instances, dates as `Date`s. */
  args: readonly unknown[];
  /**
   * The arguments as stored in `queue_job.args` (tagged JSON: an entity is `{"$record": {entity, id}}`,
   * a date `{"$date": "…"}`): equal calls give equal values.
   */
  storedArgs: readonly JsonValue[];
}

/** A fixed key, or a function computing it from the job. */
export type IdentityKey = string | ((job: IdentityKeySource) => string);

/**
 * Identity key from the job function name and the stored arguments: the same call twice makes one job.
 * Computed from the stored form, so that it is the same in every process and version that stores the call alike.
 */
export function identityExact(job: Pick<IdentityKeySource, 'jobFunction' | 'storedArgs'>): string {
  return createHash('sha1').update(job.jobFunction).update('\0').update(JSON.stringify(job.storedArgs)).digest('hex');
}
