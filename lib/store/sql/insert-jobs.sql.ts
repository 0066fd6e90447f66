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
}

const IDENTITY_STATES = `state IN ('wait_dependencies', 'pending', 'enqueued')`;

/**
 * One statement inserts one row or a thousand, sent as one JSON array and unpacked server-side:
 * much cheaper than nineteen parameter arrays, and as `json` (not `jsonb`, which PostgreSQL parses
 * slower: 18 vs 11 ms per 1000 jobs here) with the keys of null values left out. Rows whose identity
 * key is already held by a waiting, pending or enqueued job are skipped (the partial unique index decides, so concurrent
 * enqueues cannot both win). Only rows with a key could be skipped, so only theirs come back: the
 * uuids of the keyed rows inserted (a bulk of plain jobs returns nothing to parse).
 */
export const INSERT_JOBS_SQL = `
WITH inserted AS (
INSERT INTO queue_job (uuid, graph_uuid, name, job_function, service_name, method_name, func_string,
                       args, records, dependencies, state, priority, eta, max_retries, channel, identity_key,
                       context, user_id, trace_context)
SELECT uuid, graph_uuid, name, job_function, service_name, method_name, func_string,
       args, records, COALESCE(dependencies, '{"depends_on": [], "reverse_depends_on": []}'), state, priority, eta,
       max_retries, channel, identity_key, context, user_id, trace_context
FROM json_to_recordset($1::json)
  AS t(uuid uuid, graph_uuid uuid, name text, job_function text, service_name text, method_name text, func_string text,
       args jsonb, records jsonb, dependencies jsonb, state text, priority int, eta timestamptz, max_retries int,
       channel text, identity_key text, context jsonb, user_id text, trace_context jsonb)
ON CONFLICT (identity_key) WHERE identity_key IS NOT NULL AND ${IDENTITY_STATES} DO NOTHING
RETURNING uuid, identity_key)
SELECT uuid FROM inserted WHERE identity_key IS NOT NULL`;

const text = jsonText;

/** `,"key":<encoded value>`, or nothing for a null value: a missing key reads as NULL. */
const optional = <V>(key: string, value: V | null, encode: (value: V) => string): string =>
  (value === null ? '' : `,"${key}":${encode(value)}`);

/** The rows as the JSON array INSERT_JOBS_SQL unpacks; JSON columns are already JSON text, spliced in as is. */
export function insertJobsParams(rows: readonly NewJobRow[]): unknown[] {
  const items = rows.map((r) => `{"uuid":${text(r.uuid)},"name":${text(r.name)},"job_function":${text(r.jobFunction)},`
    + `"service_name":${text(r.serviceName)},"method_name":${text(r.methodName)},"func_string":${text(r.funcString)},`
    + `"args":${r.args},"records":${r.records},"state":${text(r.state)},"priority":${r.priority},`
    + `"max_retries":${r.maxRetries},"channel":${text(r.channel)}`
    + optional('graph_uuid', r.graphUuid, text) + optional('dependencies', r.dependencies, jsonRaw)
    + optional('eta', r.eta, jsonDate) + optional('identity_key', r.identityKey, text)
    + optional('context', r.context, jsonRaw) + optional('user_id', r.userId, text)
    + optional('trace_context', r.traceContext, jsonRaw) + '}');
  return [`[${items.join(',')}]`];
}

/** The job that holds an identity key, if any. */
export const FIND_BY_IDENTITY_KEY_SQL = `
SELECT uuid, state FROM queue_job WHERE identity_key = $1 AND ${IDENTITY_STATES} LIMIT 1`;

/** The jobs that hold any of the identity keys `$1`. */
export const FIND_IDENTITY_KEY_HOLDERS_SQL = `
SELECT uuid, state, identity_key FROM queue_job WHERE identity_key = ANY($1::text[]) AND ${IDENTITY_STATES}`;
