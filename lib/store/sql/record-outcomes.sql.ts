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
 * Writes many outcomes in one statement. Only a row still held under the same lease token is written:
 * an executor whose job was rescued and claimed again meanwhile cannot overwrite it (fencing).
 * Only a retry sets a new eta; done and failed jobs keep the eta they were given (as in queue_job).
 */
export const RECORD_OUTCOMES_SQL = `
UPDATE queue_job j SET
  state = o.state, result = o.result, exc_name = o.exc_name, exc_message = o.exc_message, exc_info = o.exc_info,
  eta = COALESCE(o.eta, j.eta), retry = j.retry + o.retry_delta, date_started = o.date_started, date_done = o.date_done,
  exec_time = o.exec_time, lease_token = NULL, lease_expires_at = NULL
FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
            $9::int[], $10::timestamptz[], $11::timestamptz[], $12::float8[])
  AS o(id, lease_token, state, result, exc_name, exc_message, exc_info, eta, retry_delta, date_started, date_done, exec_time)
WHERE j.id = o.id AND j.lease_token = o.lease_token AND j.state IN ('enqueued', 'started')
RETURNING j.id::text`;

export function recordOutcomesParams(rows: readonly JobOutcomeRow[]): unknown[] {
  const column = <K extends keyof JobOutcomeRow>(key: K) => rows.map((row) => row[key]);
  return [
    column('id'), column('leaseToken'), column('state'), column('result'), column('excName'), column('excMessage'),
    column('excInfo'), column('eta'), column('retryDelta'), column('dateStarted'), column('dateDone'), column('execTime'),
  ];
}

/** Marks jobs that began running `started` (batched: short jobs are often done before this is sent). */
export const MARK_STARTED_SQL = `
UPDATE queue_job j SET state = 'started', date_started = s.date_started
FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[]) AS s(id, lease_token, date_started)
WHERE j.id = s.id AND j.lease_token = s.lease_token AND j.state = 'enqueued'`;
