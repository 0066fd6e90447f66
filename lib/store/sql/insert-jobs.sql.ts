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
 * One statement inserts one row or a thousand (arrays unnested server-side). Rows whose identity key
 * is already held by a waiting, pending or enqueued job are skipped (the partial unique index decides,
 * so concurrent enqueues cannot both win).
 */
export const INSERT_JOBS_SQL = `
INSERT INTO queue_job (uuid, graph_uuid, name, job_function, service_name, method_name, func_string,
                       args, records, dependencies, state, priority, eta, max_retries, channel, identity_key,
                       context, user_id, trace_context)
SELECT uuid, graph_uuid, name, job_function, service_name, method_name, func_string,
       args, records, COALESCE(dependencies, '{"depends_on": [], "reverse_depends_on": []}'), state, priority, eta,
       max_retries, channel, identity_key, context, user_id, trace_context
FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::jsonb[],
            $10::jsonb[], $11::text[], $12::int[], $13::timestamptz[], $14::int[], $15::text[], $16::text[],
            $17::jsonb[], $18::text[], $19::jsonb[])
  AS t(uuid, graph_uuid, name, job_function, service_name, method_name, func_string, args, records, dependencies,
       state, priority, eta, max_retries, channel, identity_key, context, user_id, trace_context)
ON CONFLICT (identity_key) WHERE identity_key IS NOT NULL AND ${IDENTITY_STATES} DO NOTHING
RETURNING id::text, uuid, state, date_created`;

export function insertJobsParams(rows: readonly NewJobRow[]): unknown[] {
  const column = <K extends keyof NewJobRow>(key: K) => rows.map((row) => row[key]);
  return [
    column('uuid'), column('graphUuid'), column('name'), column('jobFunction'), column('serviceName'),
    column('methodName'), column('funcString'), column('args'), column('records'), column('dependencies'),
    column('state'), column('priority'), column('eta'), column('maxRetries'), column('channel'), column('identityKey'),
    column('context'), column('userId'), column('traceContext'),
  ];
}

/** The job that holds an identity key, if any. */
export const FIND_BY_IDENTITY_KEY_SQL = `
SELECT id::text, uuid, state, date_created FROM queue_job WHERE identity_key = $1 AND ${IDENTITY_STATES} LIMIT 1`;

/** The jobs that hold any of the identity keys `$1`. */
export const FIND_IDENTITY_KEY_HOLDERS_SQL = `
SELECT id::text, uuid, state, date_created, identity_key FROM queue_job WHERE identity_key = ANY($1::text[]) AND ${IDENTITY_STATES}`;
