/** What happened to one execution, to be written to its row. */
export interface JobOutcomeRow {
  id: string;
  uuid: string;
  /** Part of a graph: a done job may release its children. */
  inGraph: boolean;
  leaseToken: string;
  state: 'done' | 'pending' | 'failed';
  result: string | null;
  excName: string | null;
  excMessage: string | null;
  excInfo: string | null;
  /** New eta of a retry. */
  eta: Date | null;
  /** Added to `retry`: -1 when the attempt does not count (RetryableJobError with ignoreRetry). */
  retryDelta: number;
  dateStarted: Date;
  dateDone: Date | null;
  execTime: number;
}

/**
 * Writes outcomes (and, when `$3` > 0, reads what a claim needs) through the `queue_job_cycle`
 * function: one round trip. Only a row still held under the same lease token is written: an executor
 * whose job was rescued and claimed again meanwhile cannot overwrite it (fencing). Only a retry sets a
 * new eta; done and failed jobs keep the eta they were given (as in queue_job).
 */

/**
 * The outcomes as the JSON array `queue_job_cycle` reads. PostgreSQL text and jsonb cannot hold NUL
 * characters: a result or message containing one gets U+FFFD instead, so that it never blocks a cycle.
 */
export function outcomesJson(rows: readonly JobOutcomeRow[]): string {
  return JSON.stringify(rows.map((o) => ({
    id: o.id, lease_token: o.leaseToken, state: o.state, result: o.result === null ? null : JSON.parse(o.result),
    exc_name: o.excName, exc_message: o.excMessage, exc_info: o.excInfo, eta: o.eta, retry_delta: o.retryDelta,
    date_started: o.dateStarted, date_done: o.dateDone, exec_time: o.execTime,
  })), (_key, value: unknown) => (typeof value === 'string' && value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value));
}

/** Writes outcomes only (no claim): the ids written. */
export const RECORD_OUTCOMES_SQL = `SELECT job_id::text AS id FROM queue_job_cycle($1::jsonb, 0, 0, 0, '{}', '{}') WHERE kind = 'recorded'`;

/** Marks jobs that began running `started` (batched: short jobs are often done before this is sent). */
export const MARK_STARTED_SQL = `
UPDATE queue_job j SET state = 'started', date_started = s.date_started
FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[]) AS s(id, lease_token, date_started)
WHERE j.id = s.id AND j.lease_token = s.lease_token AND j.state = 'enqueued'`;
