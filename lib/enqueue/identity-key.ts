import { createHash } from 'node:crypto';
import type { JsonValue } from './argument-serializer.js';

/** What an identity key function sees of the job being enqueued. */
export interface IdentityKeySource {
  jobFunction: string;
  /** The arguments as stored (tagged JSON): equal calls give equal values. */
  args: readonly JsonValue[];
}

/** A fixed key, or a function computing it from the job. */
export type IdentityKey = string | ((job: IdentityKeySource) => string);

/** Identity key from the job function name and the arguments: the same call twice makes one job. */
export function identityExact(job: IdentityKeySource): string {
  return createHash('sha1').update(job.jobFunction).update('\0').update(JSON.stringify(job.args)).digest('hex');
}
