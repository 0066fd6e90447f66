import type { RetryPattern } from '../runner/retry-pattern.js';
import type { MissingRecordPolicy, RelatedActionConfig } from './declarations.js';

/** A channel record as the running app wants it. */
export interface DesiredChannel {
  completeName: string;
  name: string;
  parent: string | null;
  removalInterval: number;
  declaredBy: string[];
}

/** A job function record as the running app wants it. */
export interface DesiredJobFunction {
  name: string;
  channel: string;
  retryPattern: RetryPattern | null;
  relatedAction: RelatedActionConfig | null;
  /** Runtime settings of this app's runner, not stored in the record. */
  timeout: number | null;
  leaseSeconds: number | null;
  onMissingRecord: MissingRecordPolicy;
  declaredBy: string[];
}

export interface DesiredRecords {
  /** Parents before children. */
  channels: DesiredChannel[];
  jobFunctions: DesiredJobFunction[];
}
