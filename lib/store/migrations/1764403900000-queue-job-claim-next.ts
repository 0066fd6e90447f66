import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFY_CHANNEL } from '../../queue-job.constants.js';

/**
 * `queue_job_claim_next`: a whole claim cycle in one statement, for channel configurations made of
 * capacities only (no sequential or throttled channel; a paused channel is passed with capacity 0).
 * It writes the outcomes of the caller's finished jobs (`queue_job_cycle`'s fenced write: rows
 * `recorded`), then, when `p_limit` > 0, takes the claim lock, counts the running jobs per configured
 * channel, walks the queue heads in queue order (priority, creation date, id) admitting a job when
 * every configured channel on its path has room — the rule of `selectJobsToStart` —, marks the
 * admitted jobs enqueued under a lease (waking the other instances when admissible jobs are left
 * beyond `p_limit`) and returns them (rows `claimed`, the job as one JSON value:
 * parsed by JSON.parse, much cheaper in Node than twenty typed columns), then one row `next_eta`
 * (the earliest future eta).
 *
 * In READ COMMITTED each statement of a volatile PL/pgSQL function takes a new snapshot, so the
 * reads after the lock see every claim committed before it was granted. Sent alone (autocommit), the
 * lock is held for the function and the commit only, with no client round trip inside.
 * Plans are generic (`plan_cache_mode`), here and in `queue_job_cycle` and `queue_job_claim`: planning
 * their statements at each call (custom plans) cost more than running them. JIT is off: a generic plan
 * of the heads query is estimated above `jit_above_cost` on a large queue, and compiling it took 12–20 ms
 * per call for a query that runs in 0.1 ms.
 */
export class QueueJobClaimNext1764403900000 implements MigrationInterface {
  name = 'QueueJobClaimNext1764403900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION queue_job_claim_next(
        p_outcomes jsonb, p_lock bigint, p_limit int, p_now float8, p_channels text[], p_capacities int[],
        p_worker text, p_token uuid, p_lease int, p_wake text)
      RETURNS TABLE (kind text, job_id bigint, job json, next_eta float8)
      LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan SET jit = off AS $$
      #variable_conflict use_column
      DECLARE
        v_load int[] := array_fill(0, ARRAY[cardinality(p_channels)]);
        v_ids bigint[] := '{}';
        v_fits boolean;
        v_left_for_others boolean := false;
        v_row record;
        i int;
      BEGIN
        IF jsonb_array_length(p_outcomes) > 0 THEN
          RETURN QUERY
            SELECT 'recorded'::text, c.job_id, NULL::json, NULL::float8 FROM queue_job_cycle(p_outcomes, 0, 0, 0, '{}', '{}') c WHERE c.kind = 'recorded';
        END IF;
        IF p_limit <= 0 THEN
          RETURN;
        END IF;
        PERFORM pg_advisory_xact_lock(p_lock);
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
          WITH RECURSIVE channels AS (
            (SELECT q.channel FROM queue_job q WHERE q.state = 'pending' ORDER BY q.channel LIMIT 1)
            UNION ALL
            SELECT (SELECT q.channel FROM queue_job q WHERE q.state = 'pending' AND q.channel > c.channel ORDER BY q.channel LIMIT 1)
            FROM channels c WHERE c.channel IS NOT NULL
          )
          SELECT h.id, h.channel FROM channels c CROSS JOIN LATERAL (
            SELECT q.id, q.channel, q.priority, q.date_created FROM queue_job q
            WHERE q.state = 'pending' AND q.channel = c.channel AND (q.eta IS NULL OR q.eta <= to_timestamp(p_now))
            ORDER BY q.priority, q.date_created, q.id
            LIMIT p_limit + 1
          ) h
          WHERE c.channel IS NOT NULL
          ORDER BY h.priority, h.date_created, h.id
        LOOP
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
          RETURN QUERY
            UPDATE queue_job q SET state = 'enqueued', date_enqueued = now(), worker_id = p_worker, lease_token = p_token,
                   lease_expires_at = now() + p_lease * interval '1 second', retry = q.retry + 1
            WHERE q.id = ANY(v_ids) AND q.state = 'pending'
            RETURNING 'claimed'::text, q.id, json_build_object(
              'id', q.id::text, 'uuid', q.uuid, 'graph_uuid', q.graph_uuid, 'name', q.name, 'job_function', q.job_function,
              'service_name', q.service_name, 'method_name', q.method_name, 'args', q.args, 'records', q.records,
              'retry', q.retry, 'max_retries', q.max_retries, 'channel', q.channel, 'priority', q.priority, 'eta', q.eta,
              'date_created', q.date_created, 'lease_token', q.lease_token, 'context', q.context, 'user_id', q.user_id,
              'trace_context', q.trace_context), NULL::float8;
        END IF;
        RETURN QUERY
          SELECT 'next_eta'::text, NULL::bigint, NULL::json, extract(epoch FROM min(q.eta))::float8
          FROM queue_job q WHERE q.state = 'pending' AND q.eta > to_timestamp(p_now);
        -- This instance is full and jobs that the channels would admit are left: the other instances may take them.
        IF p_wake IS NOT NULL AND v_left_for_others THEN
          PERFORM pg_notify('${NOTIFY_CHANNEL}', p_wake);
        END IF;
      END $$`);
    await q.query(`ALTER FUNCTION queue_job_cycle(jsonb, bigint, int, float8, text[], text[]) SET plan_cache_mode = force_generic_plan SET jit = off`);
    await q.query(`ALTER FUNCTION queue_job_claim(bigint[], text, uuid, int, text) SET plan_cache_mode = force_generic_plan SET jit = off`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION queue_job_claim(bigint[], text, uuid, int, text) RESET plan_cache_mode RESET jit`);
    await q.query(`ALTER FUNCTION queue_job_cycle(jsonb, bigint, int, float8, text[], text[]) RESET plan_cache_mode RESET jit`);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_claim_next(jsonb, bigint, int, float8, text[], int[], text, uuid, int, text)`);
  }
}
