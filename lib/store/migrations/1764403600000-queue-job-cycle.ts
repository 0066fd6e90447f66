import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFY_CHANNEL } from '../../queue-job.constants.js';

/**
 * `queue_job_claim` marks chosen jobs enqueued under a lease (see claim-jobs.sql.ts).
 * `queue_job_cycle`: one round trip for what a claim cycle writes and reads before the channel manager decides:
 * 1. the outcomes of finished jobs (`p_outcomes`, a JSON array), written only where the row still
 *    carries the executor's lease token (fencing) — rows `recorded` (job_id); a retry wakes the runners;
 * 2. when `p_limit` > 0: the claim lock, then each read as its own statement. In READ COMMITTED every
 *    statement of a volatile PL/pgSQL function takes a new snapshot, so the reads see every claim
 *    committed before the lock was granted (a read in the same statement as the lock would not).
 *    Rows: `running` (channel, n), `head` (a queue head), `next_eta`, `failed` (a sequential channel
 *    holding a failed job), `throttle` (last start of a channel).
 */
export class QueueJobCycle1764403600000 implements MigrationInterface {
  name = 'QueueJobCycle1764403600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION queue_job_cycle(p_outcomes jsonb, p_lock bigint, p_limit int, p_now float8, p_sequential text[], p_throttled text[])
      RETURNS TABLE (kind text, job_id bigint, job_channel text, job_priority int, created_ms float8, at float8, n int)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF jsonb_array_length(p_outcomes) > 0 THEN
          RETURN QUERY
            WITH written AS (
              UPDATE queue_job j SET
                state = o.state, result = o.result, exc_name = o.exc_name, exc_message = o.exc_message,
                exc_info = o.exc_info, eta = COALESCE(o.eta, j.eta), retry = j.retry + o.retry_delta,
                date_started = o.date_started, date_done = o.date_done, exec_time = o.exec_time,
                lease_token = NULL, lease_expires_at = NULL
              FROM jsonb_to_recordset(p_outcomes) AS o(id bigint, lease_token uuid, state text, result jsonb, exc_name text,
                exc_message text, exc_info text, eta timestamptz, retry_delta int, date_started timestamptz,
                date_done timestamptz, exec_time float8)
              WHERE j.id = o.id AND j.lease_token = o.lease_token AND j.state IN ('enqueued', 'started')
              RETURNING j.id, j.state
            )
            SELECT 'recorded'::text, w.id, w.state, NULL::int, NULL::float8, NULL::float8, NULL::int FROM written w;
          IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_outcomes) e WHERE e ->> 'state' = 'pending') THEN
            PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
          END IF;
        END IF;
        IF p_limit <= 0 THEN
          RETURN;
        END IF;
        PERFORM pg_advisory_xact_lock(p_lock);
        RETURN QUERY
          SELECT 'running'::text, NULL::bigint, q.channel, NULL::int, NULL::float8, NULL::float8, count(*)::int
          FROM queue_job q WHERE q.state IN ('enqueued', 'started') GROUP BY q.channel;
        RETURN QUERY
          WITH RECURSIVE channels AS (
            (SELECT q.channel FROM queue_job q WHERE q.state = 'pending' ORDER BY q.channel LIMIT 1)
            UNION ALL
            SELECT (SELECT q.channel FROM queue_job q WHERE q.state = 'pending' AND q.channel > c.channel ORDER BY q.channel LIMIT 1)
            FROM channels c WHERE c.channel IS NOT NULL
          )
          SELECT 'head'::text, h.id, h.channel, h.priority, extract(epoch FROM h.date_created)::float8 * 1000,
                 extract(epoch FROM h.eta)::float8, NULL::int
          FROM channels c CROSS JOIN LATERAL (
            SELECT q.id, q.channel, q.priority, q.date_created, q.eta FROM queue_job q
            WHERE q.state = 'pending' AND q.channel = c.channel
              AND (q.eta IS NULL OR q.eta <= to_timestamp(p_now) OR q.channel = ANY(p_sequential))
            ORDER BY q.priority, q.date_created, q.id
            LIMIT p_limit
          ) h
          WHERE c.channel IS NOT NULL;
        RETURN QUERY
          SELECT 'next_eta'::text, NULL::bigint, NULL::text, NULL::int, NULL::float8, extract(epoch FROM min(q.eta))::float8, NULL::int
          FROM queue_job q WHERE q.state = 'pending' AND q.eta > to_timestamp(p_now);
        IF cardinality(p_sequential) > 0 THEN
          RETURN QUERY
            SELECT DISTINCT 'failed'::text, NULL::bigint, q.channel, NULL::int, NULL::float8, NULL::float8, NULL::int
            FROM queue_job q WHERE q.state = 'failed' AND q.channel = ANY(p_sequential);
        END IF;
        IF cardinality(p_throttled) > 0 THEN
          RETURN QUERY
            SELECT 'throttle'::text, NULL::bigint, t.channel, NULL::int, NULL::float8, extract(epoch FROM t.last_start)::float8, NULL::int
            FROM queue_job_channel_throttle t WHERE t.channel = ANY(p_throttled);
        END IF;
      END $$`);
    // The claim as a function, so that its plan is cached per connection although the runner sends it
    // as a literal statement together with COMMIT (one round trip).
    await q.query(`
      CREATE FUNCTION queue_job_claim(p_ids bigint[], p_worker text, p_token uuid, p_lease int, p_wake text)
      RETURNS SETOF queue_job LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RETURN QUERY
          UPDATE queue_job SET state = 'enqueued', date_enqueued = now(), worker_id = p_worker, lease_token = p_token,
                 lease_expires_at = now() + p_lease * interval '1 second', retry = retry + 1
          WHERE id = ANY(p_ids) AND state = 'pending'
          RETURNING *;
        IF p_wake IS NOT NULL THEN
          PERFORM pg_notify('${NOTIFY_CHANNEL}', p_wake);
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS queue_job_claim(bigint[], text, uuid, int, text)`);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_cycle(jsonb, bigint, int, float8, text[], text[])`);
  }
}
