import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a claim reads, in one round trip: the function takes the claim lock, then runs each read as
 * its own statement. In READ COMMITTED every statement of a volatile PL/pgSQL function takes a new
 * snapshot, so the reads see every claim committed before the lock was granted (a read in the same
 * statement as the lock would not). Rows: `running` (channel, n), `head` (a queue head), `next_eta`,
 * `failed` (a sequential channel holding a failed job), `throttle` (last start of a channel).
 */
export class QueueJobClaimSnapshot1764403600000 implements MigrationInterface {
  name = 'QueueJobClaimSnapshot1764403600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION queue_job_claim_snapshot(p_lock bigint, p_limit int, p_now float8, p_sequential text[], p_throttled text[])
      RETURNS TABLE (kind text, job_id bigint, job_channel text, job_priority int, created_ms float8, at float8, n int)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS queue_job_claim_snapshot(bigint, int, float8, text[], text[])`);
  }
}
