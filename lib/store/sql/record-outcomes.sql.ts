import { jsonDate, jsonRaw, jsonText } from './json-text.js';
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
 * The outcomes as the JSON array `queue_job_cycle` reads, built as text: the result is already JSON
 * and is spliced in as is. NUL characters, which PostgreSQL cannot store, become U+FFFD.
 */
export function outcomesJson(rows: readonly JobOutcomeRow[]): string {
  // The lease token (a uuid) and the state (a literal) are the runner's own: quoted as they are.
  return `[${rows.map((o) => `{"id":${o.id},"lease_token":"${o.leaseToken}","state":"${o.state}",`
    + `"result":${jsonRaw(o.result)},"exc_name":${jsonText(o.excName)},"exc_message":${jsonText(o.excMessage)},`
    + `"exc_info":${jsonText(o.excInfo)},"eta":${jsonDate(o.eta)},"retry_delta":${o.retryDelta},`
    + `"date_started":${jsonDate(o.dateStarted)},"date_done":${jsonDate(o.dateDone)},"exec_time":${o.execTime}}`).join(',')}]`;
}

/** Writes outcomes only (no claim): the ids written. */
export const RECORD_OUTCOMES_SQL = `SELECT job_id::text AS id FROM queue_job_cycle($1::jsonb, 0, 0, 0, '{}', '{}') WHERE kind = 'recorded'`;

/** Marks jobs that began running `started` (batched: short jobs are often done before this is sent). */
export const MARK_STARTED_SQL = `
UPDATE queue_job j SET state = 'started', date_started = s.date_started
FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[]) AS s(id, lease_token, date_started)
WHERE j.id = s.id AND j.lease_token = s.lease_token AND j.state = 'enqueued'`;
