import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Channel records: root cannot be deleted, renamed or re-parented; every other channel has a parent. */
export class QueueJobRecords1764403300000 implements MigrationInterface {
  name = 'QueueJobRecords1764403300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE queue_job_channel ADD CONSTRAINT queue_job_channel_parent_check
                   CHECK (complete_name = 'root' OR parent_id IS NOT NULL)`);
    await q.query(`
      CREATE FUNCTION queue_job_channel_protect_root() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'The root channel cannot be deleted';
        END IF;
        IF NEW.complete_name <> 'root' OR NEW.name <> 'root' OR NEW.parent_id IS NOT NULL THEN
          RAISE EXCEPTION 'The root channel cannot be renamed or re-parented';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER queue_job_channel_root BEFORE UPDATE OR DELETE ON queue_job_channel
                   FOR EACH ROW WHEN (OLD.complete_name = 'root') EXECUTE FUNCTION queue_job_channel_protect_root()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS queue_job_channel_root ON queue_job_channel`);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_channel_protect_root()`);
    await q.query(`ALTER TABLE queue_job_channel DROP CONSTRAINT IF EXISTS queue_job_channel_parent_check`);
  }
}
