import type { CandidateJob } from '../../../lib/channels/channel-job.js';
import type { ManagedJob } from '../../../lib/channels/channel-manager.js';
import { JobState } from '../../../lib/store/job-state.js';

let seq = 0;

/** A candidate job; creation order follows call order unless `dateCreated`/`seq` are given. */
export function candidate(id: string, channel: string, fields: Partial<CandidateJob> = {}): CandidateJob {
  seq += 1;
  return { id, channel, priority: 10, dateCreated: 1_000 + seq, seq, eta: null, ...fields };
}

/** A pending managed job, created after the previous call. */
export function pending(id: string, channel: string, fields: Partial<ManagedJob> = {}): ManagedJob {
  return { ...candidate(id, channel), state: JobState.Pending, ...fields };
}
