import { NOTIFY_CHANNEL } from '../../queue-job.constants.js';

/**
 * The claim lock of the flush-apart claim (`…5100000`, claim-durability.ts). A claim that finds the
 * lock taken waits in a "waiting room" first: a shared lock on `p_waiting_lock`, held to its commit.
 * Once its decision is written, the holder tries that lock exclusively: if another session holds it,
 * claims are waiting. A holder that waited itself, or that sees claims waiting, commits without
 * waiting for its WAL flush (the lock passes on at once); its caller flushes before starting the jobs
 * (column `flush`). A claim that neither waited nor is waited for commits as before.
 * NULL `p_waiting_lock`: no waiting room, never apart.
 */
const LOCK_WITH_WAITING_ROOM = `IF NOT pg_try_advisory_xact_lock(p_lock) THEN
          IF p_waiting_lock IS NOT NULL THEN
            PERFORM pg_advisory_xact_lock_shared(p_waiting_lock);
            v_flush_apart := true;
          END IF;
          PERFORM pg_advisory_xact_lock(p_lock);
        END IF;`;

const FLUSH_APART_IF_CLAIMS_WAIT = `IF p_waiting_lock IS NOT NULL AND (v_flush_apart OR NOT pg_try_advisory_xact_lock(p_waiting_lock)) THEN
          v_flush_apart := true;
          PERFORM set_config('synchronous_commit', 'off', true);
        END IF;
        `;

/**
 * The `queue_job_claim_next` that migrations `…4000000` and `…4100000` create, which differ only in
 * the query giving the queue heads to admit (`id`, `channel`, in queue order). The shipped SQL of
 * those migrations: change it only through a new function here for a new migration, never in place.
 * The one-row answer: the ids whose outcome it wrote (`recorded`), the claimed jobs as one JSON array
 * in queue order with the fields the executor reads (dates as epoch milliseconds), the next eta.
 * `extraParameters` (e.g. `, p_functions text[]`, for `…4200000`) are appended to the parameter list
 * for the heads query to use; without them the SQL is the shipped one, character for character.
 * `flushApart` (for `…5100000`, with `, p_waiting_lock bigint` last) takes the lock with a waiting
 * room and returns whether the caller must flush (`flush`).
 */
export function claimNextOneRowSql(create: 'CREATE' | 'CREATE OR REPLACE', headsQuery: string, extraParameters = '', flushApart = false): string {
  const flush = (sql: string) => (flushApart ? sql : '');
  return `
      ${create} FUNCTION queue_job_claim_next(
        p_outcomes jsonb, p_lock bigint, p_limit int, p_now float8, p_channels text[], p_capacities int[],
        p_worker text, p_token uuid, p_lease int, p_wake text${extraParameters})
      RETURNS TABLE (recorded bigint[], claimed json, next_eta float8${flush(', flush boolean')})
      LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan SET jit = off AS $$
      #variable_conflict use_column
      DECLARE
        v_recorded bigint[];
        v_claimed json;
        v_next_eta float8;
        v_load int[] := array_fill(0, ARRAY[cardinality(p_channels)]);
        v_ids bigint[] := '{}';
        v_fits boolean;
        v_left_for_others boolean := false;
        v_row record;
        i int;${flush(`
        v_flush_apart boolean := false;`)}
      BEGIN
        IF jsonb_array_length(p_outcomes) > 0 THEN
          SELECT array_agg(c.job_id) INTO v_recorded FROM queue_job_cycle(p_outcomes, 0, 0, 0, '{}', '{}') c WHERE c.kind = 'recorded';
        END IF;
        IF p_limit <= 0 THEN
          RETURN QUERY SELECT v_recorded, NULL::json, NULL::float8${flush(', false')};
          RETURN;
        END IF;
        ${flushApart ? LOCK_WITH_WAITING_ROOM : 'PERFORM pg_advisory_xact_lock(p_lock);'}
        FOR v_row IN
          SELECT q.channel, count(*)::int AS n FROM queue_job q WHERE q.state IN ('enqueued', 'started')
          GROUP BY q.channel
        LOOP
          FOR i IN 1 .. cardinality(p_channels) LOOP
            IF v_row.channel = p_channels[i] OR starts_with(v_row.channel, p_channels[i] || '.') THEN
              v_load[i] := v_load[i] + v_row.n;
            END IF;
          END LOOP;
        END LOOP;
        FOR v_row IN
${headsQuery}        LOOP
          v_fits := true;
          FOR i IN 1 .. cardinality(p_channels) LOOP
            IF (v_row.channel = p_channels[i] OR starts_with(v_row.channel, p_channels[i] || '.'))
               AND p_capacities[i] IS NOT NULL AND v_load[i] >= p_capacities[i] THEN
              v_fits := false;
              EXIT;
            END IF;
          END LOOP;
          CONTINUE WHEN NOT v_fits;
          IF cardinality(v_ids) >= p_limit THEN
            v_left_for_others := true;
            EXIT;
          END IF;
          v_ids := v_ids || v_row.id;
          FOR i IN 1 .. cardinality(p_channels) LOOP
            IF v_row.channel = p_channels[i] OR starts_with(v_row.channel, p_channels[i] || '.') THEN
              v_load[i] := v_load[i] + 1;
            END IF;
          END LOOP;
        END LOOP;
        IF cardinality(v_ids) > 0 THEN
          WITH taken AS (
            UPDATE queue_job q SET state = 'enqueued', date_enqueued = now(), worker_id = p_worker, lease_token = p_token,
                   lease_expires_at = now() + p_lease * interval '1 second', retry = q.retry + 1
            WHERE q.id = ANY(v_ids) AND q.state = 'pending'
            RETURNING q.id, q.priority, q.date_created, json_build_object(
              'id', q.id::text, 'uuid', q.uuid, 'graph_uuid', q.graph_uuid, 'job_function', q.job_function, 'args', q.args,
              'retry', q.retry, 'max_retries', q.max_retries, 'channel', q.channel,
              'eta', extract(epoch FROM q.eta) * 1000, 'date_created', extract(epoch FROM q.date_created) * 1000,
              'context', q.context, 'user_id', q.user_id, 'trace_context', q.trace_context) AS job
          )
          SELECT json_agg(t.job ORDER BY t.priority, t.date_created, t.id) INTO v_claimed FROM taken t;
        END IF;
        SELECT extract(epoch FROM min(q.eta))::float8 INTO v_next_eta
        FROM queue_job q WHERE q.state = 'pending' AND q.eta > to_timestamp(p_now);
        -- This instance is full and jobs that the channels would admit are left: the other instances may take them.
        IF p_wake IS NOT NULL AND v_left_for_others THEN
          PERFORM pg_notify('${NOTIFY_CHANNEL}', p_wake);
        END IF;
        ${flush(FLUSH_APART_IF_CLAIMS_WAIT)}RETURN QUERY SELECT v_recorded, v_claimed, v_next_eta${flush(', v_flush_apart AND (v_recorded IS NOT NULL OR v_claimed IS NOT NULL)')};
      END $$`;
}
