import type { MigrationInterface, QueryRunner } from 'typeorm';
import { QueueJobClaimOneRow1764404000000 } from './1764404000000-queue-job-claim-one-row.js';
import { claimNextOneRowSql } from './claim-next-one-row.sql.js';

/**
 * The queue heads that `queue_job_claim_next` walks come from `queue_job_pending_heads(limit, now)`:
 * the first `limit` due pending jobs of each channel, in queue order. Same rows as before, read once
 * instead of twice: a claimed job leaves a dead entry at the front of `queue_job_pending_idx` until
 * vacuum, and the old walk stepped over all of them twice per claim (once to find the channel, once
 * to read its jobs); the probe that finds a channel now returns its first live job, and the channel's
 * jobs are read from that key on. Halfway through a drain of 20,000 jobs the walk read 130 index
 * pages, now 70.
 * `queue_job_claim_next` is `…4000000`'s with this walk (`claimNextOneRowSql`); a later change of the
 * walk only replaces `queue_job_pending_heads` (a SQL function, inlined into the caller's plan).
 */
export class QueueJobPendingHeads1764404100000 implements MigrationInterface {
  name = 'QueueJobPendingHeads1764404100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION queue_job_pending_heads(p_limit int, p_now float8)
      RETURNS TABLE (id bigint, channel text, priority int, date_created timestamptz)
      LANGUAGE sql STABLE AS $$
        WITH RECURSIVE channels AS (
          (SELECT q.channel, q.priority, q.date_created, q.id FROM queue_job q WHERE q.state = 'pending'
           ORDER BY q.channel, q.priority, q.date_created, q.id LIMIT 1)
          UNION ALL
          SELECT n.channel, n.priority, n.date_created, n.id FROM channels c CROSS JOIN LATERAL (
            SELECT q.channel, q.priority, q.date_created, q.id FROM queue_job q WHERE q.state = 'pending' AND q.channel > c.channel
            ORDER BY q.channel, q.priority, q.date_created, q.id LIMIT 1) n
        )
        SELECT h.id, h.channel, h.priority, h.date_created FROM channels c CROSS JOIN LATERAL (
          SELECT q.id, q.channel, q.priority, q.date_created FROM queue_job q
          WHERE q.state = 'pending' AND q.channel = c.channel
            AND (q.priority, q.date_created, q.id) >= (c.priority, c.date_created, c.id)
            AND (q.eta IS NULL OR q.eta <= to_timestamp(p_now))
          ORDER BY q.priority, q.date_created, q.id
          LIMIT p_limit
        ) h
        ORDER BY h.priority, h.date_created, h.id
      $$`);
    await q.query(claimNextOneRowSql('CREATE OR REPLACE', `SELECT h.id, h.channel FROM queue_job_pending_heads(p_limit + 1, p_now) h
          ORDER BY h.priority, h.date_created, h.id`));
  }

  async down(q: QueryRunner): Promise<void> {
    await new QueueJobClaimOneRow1764404000000().up(q);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_pending_heads(int, float8)`);
  }
}
