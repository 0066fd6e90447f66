import type { MigrationInterface, QueryRunner } from 'typeorm';
import { QueueJobClaimNext1764403900000 } from './1764403900000-queue-job-claim-next.js';
import { claimNextOneRowSql } from './claim-next-one-row.sql.js';

/** The queue heads to admit, in queue order: the first `p_limit + 1` due pending jobs of each channel. */
const HEADS = `WITH RECURSIVE channels AS (
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
          ORDER BY h.priority, h.date_created, h.id`;

/**
 * `queue_job_claim_next` answers with one row instead of one per job: the ids whose outcome it wrote
 * (`recorded`, an array), the claimed jobs (`claimed`, one JSON array in queue order, only the fields
 * the executor reads, dates as epoch milliseconds) and the next eta. The client parses one JSON value
 * per claim instead of a row per job; the lease token, the same for every job of a claim, is the one
 * the caller sent. The rule is unchanged (see `…3900000`): the body repeats that migration's
 * admission walk on purpose, as a migration keeps the SQL it shipped (databases that ran `…3900000`
 * must get this change from here).
 */
export class QueueJobClaimOneRow1764404000000 implements MigrationInterface {
  name = 'QueueJobClaimOneRow1764404000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION queue_job_claim_next(jsonb, bigint, int, float8, text[], int[], text, uuid, int, text)`);
    await q.query(claimNextOneRowSql('CREATE', HEADS));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS queue_job_claim_next(jsonb, bigint, int, float8, text[], int[], text, uuid, int, text)`);
    await new QueueJobClaimNext1764403900000().up(q);
  }
}
