import { JOB_COLUMNS, NO_DEPENDENCIES, sharedColumns, type ColumnKind, type JobColumn } from './job-columns.js';
import { jsonDate, jsonRaw, jsonText } from './json-text.js';

/** A job row to insert (columns of `queue_job`; JSON columns already encoded as text). */
export interface NewJobRow {
  uuid: string;
  graphUuid: string | null;
  name: string;
  jobFunction: string;
  serviceName: string;
  methodName: string;
  funcString: string;
  args: string;
  records: string;
  dependencies: string | null;
  state: 'pending' | 'wait_dependencies';
  priority: number;
  eta: Date | null;
  maxRetries: number;
  channel: string;
  identityKey: string | null;
  /** JSON text of the captured context (see the `context` module option), or null. */
  context: string | null;
  userId: string | null;
  /** JSON text of the trace context of the enqueue (W3C traceparent…), or null. */
  traceContext: string | null;
  /** Seconds the call allows an attempt (its `timeout` option), or null. */
  timeout: number | null;
}

const IDENTITY_STATES = `state IN ('wait_dependencies', 'pending', 'enqueued')`;

/** A value's JSON text, by the kind of its column (JSON columns already hold JSON text). */
const JSON_OF: Record<ColumnKind, (value: never) => string> = { text: jsonText, json: jsonRaw, number: String, date: jsonDate };

const RECORD_TYPE = JOB_COLUMNS.map((c) => `${c.key} ${c.sqlType}`).join(', ');
/** Each column comes either with every row (`t`) or once for all of them (`s`): the other side is NULL. */
const VALUES = JOB_COLUMNS.map((c) => (c.key === 'dependencies'
  ? `COALESCE(t.dependencies, s.dependencies, '${NO_DEPENDENCIES}')`
  : `COALESCE(t.${c.key}, s.${c.key})`)).join(', ');

/**
 * One statement inserts one row or a thousand. The rows come as one JSON array (`$1`, unpacked
 * server-side: much cheaper than nineteen parameter arrays), as `json` (not `jsonb`, which
 * PostgreSQL parses slower), with the keys of null values left out; the values that every row of
 * the call shares (the job function, channel, priority… of a bulk enqueue) come once, in `$2`,
 * instead of a thousand times. Rows whose identity key is already held by a waiting, pending or
 * enqueued job are skipped (the partial unique index decides, so concurrent enqueues cannot both
 * win). Only rows with a key could be skipped, so only theirs come back: the uuids of the keyed rows
 * inserted (a bulk of plain jobs returns nothing to parse).
 */
export const INSERT_JOBS_SQL = `
WITH inserted AS (
INSERT INTO queue_job_live (${JOB_COLUMNS.map((c) => c.key).join(', ')})
SELECT ${VALUES}
FROM json_to_recordset($1::json) AS t(${RECORD_TYPE}) CROSS JOIN json_to_record($2::json) AS s(${RECORD_TYPE})
ON CONFLICT (identity_key) WHERE identity_key IS NOT NULL AND ${IDENTITY_STATES} DO NOTHING
RETURNING uuid, identity_key)
SELECT uuid FROM inserted WHERE identity_key IS NOT NULL`;

/** `{"key":value,...}` of these columns of a row, null values left out (a missing key reads as NULL). */
function jsonObject(row: NewJobRow, columns: readonly JobColumn[]): string {
  let json = '';
  for (const column of columns) {
    const value = column.value(row);
    if (value !== null) json += `${json ? ',' : ''}"${column.key}":${JSON_OF[column.kind](value as never)}`;
  }
  return `{${json}}`;
}

/** `[$1, $2]` of INSERT_JOBS_SQL: the rows with the values that differ between them, and the shared ones once. JSON columns are already JSON text, spliced in as is. */
export function insertJobsParams(rows: readonly NewJobRow[]): unknown[] {
  if (rows.length === 0) return ['[]', '{}'];
  const shared = sharedColumns(rows);
  const perRow = JOB_COLUMNS.filter((c) => !shared.has(c));
  return [`[${rows.map((row) => jsonObject(row, perRow)).join(',')}]`, jsonObject(rows[0], [...shared])];
}

/** The jobs that hold any of the identity keys `$1`. */
export const FIND_IDENTITY_KEY_HOLDERS_SQL = `
SELECT uuid, state, identity_key FROM queue_job WHERE identity_key = ANY($1::text[]) AND ${IDENTITY_STATES}`;
