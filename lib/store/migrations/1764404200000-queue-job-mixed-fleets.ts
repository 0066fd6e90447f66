import type { MigrationInterface, QueryRunner } from 'typeorm';
import { QueueJobPendingHeads1764404100000 } from './1764404100000-queue-job-pending-heads.js';
import { claimNextOneRowSql } from './claim-next-one-row.sql.js';
import {
  CLAIM_NEXT_HEADS, CYCLE_SQL, PENDING_BY_CHANNEL_INDEX_SQL, PENDING_BY_FUNCTION_INDEX_SQL, PENDING_HEADS_SQL, PENDING_QUEUES_SQL, WORKER_TABLE_SQL,
} from './mixed-fleets.sql.js';

/**
 * Mixed fleets (rolling deploys, several apps on one database): both claims take the names of the
 * job functions the claiming instance has registered, last (`p_functions text[]`), and admit only
 * jobs of those; the others stay pending for an instance that has them. Capacities, priorities and
 * queue order among the admitted jobs are unchanged. Both read pending jobs per (channel, job
 * function) queue (`queue_job_pending_queues`, over the new index `queue_job_pending_function_idx`,
 * which replaces `queue_job_pending_idx`), so another version's backlog costs a claim one index
 * probe, not a read of its jobs.
 * `queue_job_claim_next` is `…4100000`'s with that walk; `queue_job_cycle` gains a seven-argument
 * form (see mixed-fleets.sql.ts). And the table `queue_job_worker`, where each instance announces
 * what it declares.
 */
export class QueueJobMixedFleets1764404200000 implements MigrationInterface {
  name = 'QueueJobMixedFleets1764404200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION queue_job_claim_next(jsonb, bigint, int, float8, text[], int[], text, uuid, int, text)`);
    await q.query(`DROP FUNCTION queue_job_pending_heads(int, float8)`);
    await q.query(PENDING_BY_FUNCTION_INDEX_SQL);
    await q.query(`DROP INDEX queue_job_pending_idx`);
    await q.query(PENDING_QUEUES_SQL);
    await q.query(PENDING_HEADS_SQL);
    await q.query(claimNextOneRowSql('CREATE', CLAIM_NEXT_HEADS, ', p_functions text[]'));
    await q.query(CYCLE_SQL);
    await q.query(WORKER_TABLE_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS queue_job_worker`);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_cycle(jsonb, bigint, int, float8, text[], text[], text[])`);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_claim_next(jsonb, bigint, int, float8, text[], int[], text, uuid, int, text, text[])`);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_pending_heads(int, float8, text[])`);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_pending_queues()`);
    await q.query(PENDING_BY_CHANNEL_INDEX_SQL);
    await q.query(`DROP INDEX IF EXISTS queue_job_pending_function_idx`);
    // Creates the two-argument heads and `queue_job_claim_next` without p_functions again.
    await new QueueJobPendingHeads1764404100000().up(q);
  }
}
