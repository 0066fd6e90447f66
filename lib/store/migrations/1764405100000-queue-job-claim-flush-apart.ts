import type { MigrationInterface, QueryRunner } from 'typeorm';
import { claimNextOneRowSql } from './claim-next-one-row.sql.js';
import { CLAIM_NEXT_HEADS } from './mixed-fleets.sql.js';

/**
 * `queue_job_claim_next` with a last argument `p_waiting_lock bigint` and a column `flush`: a claim
 * that waited for the claim lock, or that other claims wait for, commits without waiting for its WAL
 * flush, and says so; its
 * caller then waits for the flush before it starts the jobs (claim-durability.ts). The
 * eleven-argument function stays, for instances of earlier versions during a rolling deploy.
 */
export class QueueJobClaimFlushApart1764405100000 implements MigrationInterface {
  name = 'QueueJobClaimFlushApart1764405100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(claimNextOneRowSql('CREATE', CLAIM_NEXT_HEADS, ', p_functions text[], p_waiting_lock bigint', true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS queue_job_claim_next(jsonb, bigint, int, float8, text[], int[], text, uuid, int, text, text[], bigint)`);
  }
}
