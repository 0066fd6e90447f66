import type { ChannelSetting } from '../../channels/channel-settings.js';
import type { QueueJob } from '../../store/entities/queue-job.entity.js';
import type { JobState } from '../../store/job-state.js';
import type { AdminLargeField } from '../../store/sql/admin-job-detail.sql.js';

/** A count that is exact below the cap, else the planner's estimate (never below the cap). */
export interface AdminCount {
  count: number;
  exact: boolean;
  /** Not counted further: there are more than `count` (a text search on a long history). */
  atLeast?: boolean;
}

/** A row of the job list (`GET api/jobs`). */
export interface AdminJobSummary {
  uuid: string;
  graphUuid: string | null;
  name: string;
  jobFunction: string;
  channel: string;
  state: JobState;
  priority: number;
  eta: Date | null;
  retry: number;
  maxRetries: number;
  dateCreated: Date;
  dateStarted: Date | null;
  dateDone: Date | null;
  dateCancelled: Date | null;
  execTime: number | null;
  excName: string | null;
  /** First 500 characters. */
  excMessage: string | null;
  /** Pending, and no live worker runs its job function (mixed fleets): it waits for one, or fails after the grace. */
  noLiveWorker: boolean;
  /** What the job last reported with `currentJob().progress()` (0 to 1); null: nothing. */
  progress: number | null;
  /** First 500 characters. */
  progressMessage: string | null;
}

export interface AdminJobPage {
  jobs: AdminJobSummary[];
  page: number;
  pageSize: number;
  hasMore: boolean;
  total: AdminCount;
}

export interface AdminGraphNode {
  uuid: string;
  name: string;
  jobFunction: string;
  methodName: string;
  state: JobState;
}

/** The dependency graph of a job's `graph_uuid`: edges go from parent to child. */
export interface AdminJobGraph {
  graphUuid: string;
  nodes: AdminGraphNode[];
  edges: Array<{ from: string; to: string }>;
  /** More jobs than the admin draws (500). */
  truncated: boolean;
}

/** A job's columns but the large ones (those are `AdminJobDetail.fields`). */
export type AdminJobView = Omit<QueueJob, AdminLargeField>;

/** A large field in a job's detail: its first characters of text (JSON as PostgreSQL writes it), and its whole length. */
export interface AdminFieldExcerpt {
  text: string;
  length: number;
  /** `text` is not all of it: `GET api/jobs/:uuid/fields/:field` gives the rest. */
  truncated: boolean;
}

/** `GET api/jobs/:uuid/state`: what a job's page polls, nothing large. */
export type AdminJobState = Pick<QueueJob, 'uuid' | 'state' | 'retry' | 'maxRetries' | 'eta' | 'dateEnqueued' | 'dateStarted' | 'dateDone' |
  'dateCancelled' | 'execTime' | 'excName' | 'progress' | 'progressMessage'>;

/** `GET api/jobs/:uuid`: every column (the large ones cut), the job function's record, what can be done, and the graph. */
export interface AdminJobDetail {
  job: AdminJobView;
  /** null: the column is null. */
  fields: Record<AdminLargeField, AdminFieldExcerpt | null>;
  jobFunction: { channel: string; retryPattern: unknown; relatedAction: unknown; registered: boolean } | null;
  actions: { requeue: boolean; setDone: boolean; cancel: boolean; related: boolean };
  graph: AdminJobGraph | null;
  /** As in the list: pending, and no live worker runs its job function. */
  noLiveWorker: boolean;
}

export interface AdminChannel {
  name: string;
  parent: string | null;
  depth: number;
  /** In the channels configuration of this instance. */
  configured: boolean;
  /** Effective (the configuration with the run-time settings over it); null: unlimited (capacity 0, or not configured). */
  capacity: number | null;
  sequential: boolean;
  throttle: number;
  paused: boolean;
  /** `N/S` (at most N starts per S seconds), or null. */
  rate: string | null;
  /** Its rate window is full: no job of it starts before this time (ISO); null otherwise. */
  rateLimitedUntil: string | null;
  /** What this instance's channels configuration says, before the run-time settings. */
  configuredLimits: { capacity: number | null; sequential: boolean; throttle: number; paused: boolean; rate: string | null };
  /** The run-time settings of the channel (who changed what, when), or null. */
  setting: ChannelSetting | null;
  /** Most pending jobs of this very channel an enqueue may leave (QueueFullError past it); null: no limit. */
  maxPending: number | null;
  /** From the channel record; null when no module declares the channel. */
  removalInterval: number | null;
  declaredBy: string[];
  /** Jobs of this very channel. */
  counts: ChannelCounts;
  /** Jobs of the channel and its sub-channels. */
  totals: ChannelCounts;
}

export interface ChannelCounts {
  waiting: number;
  pending: number;
  running: number;
  failed: number;
}

export interface AdminJobFunction {
  name: string;
  channel: string;
  retryPattern: unknown;
  relatedAction: unknown;
  declaredBy: string[];
  /** A `@Delayable()` method of this app (else only a record, declared by forFeature or left by another app). */
  registered: boolean;
}
