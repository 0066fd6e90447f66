import type { MigrationInterface, QueryRunner } from 'typeorm';
import { JOB_STATES } from '../job-state.js';
import { NOTIFY_CHANNEL } from '../../queue-job.constants.js';

const states = JOB_STATES.map((s) => `'${s}'`).join(', ');

/** The queue tables, the indexes that serve the claim and identity keys, and the NOTIFY triggers. */
export class QueueJobSchema1764403200000 implements MigrationInterface {
  name = 'QueueJobSchema1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE queue_job (
        id bigserial PRIMARY KEY,
        uuid uuid NOT NULL,
        graph_uuid uuid,
        name text NOT NULL,
        job_function text NOT NULL,
        service_name text NOT NULL,
        method_name text NOT NULL,
        func_string text NOT NULL DEFAULT '',
        args jsonb NOT NULL DEFAULT '[]',
        records jsonb NOT NULL DEFAULT '[]',
        dependencies jsonb NOT NULL DEFAULT '{"depends_on": [], "reverse_depends_on": []}',
        state text NOT NULL DEFAULT 'pending' CONSTRAINT queue_job_state_check CHECK (state IN (${states})),
        priority integer NOT NULL DEFAULT 10,
        eta timestamptz,
        retry integer NOT NULL DEFAULT 0,
        max_retries integer NOT NULL DEFAULT 5 CONSTRAINT queue_job_max_retries_check CHECK (max_retries >= 0),
        channel text NOT NULL DEFAULT 'root',
        identity_key text,
        result jsonb,
        exc_name text,
        exc_message text,
        exc_info text,
        date_created timestamptz NOT NULL DEFAULT now(),
        date_enqueued timestamptz,
        date_started timestamptz,
        date_done timestamptz,
        date_cancelled timestamptz,
        exec_time double precision,
        worker_id text,
        lease_token uuid,
        lease_expires_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX queue_job_uuid_key ON queue_job (uuid)`);
    // The claim reads the head of each channel's queue: only pending rows are indexed, so done history costs nothing here.
    await q.query(`CREATE INDEX queue_job_pending_idx ON queue_job (channel, priority, date_created, id) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX queue_job_pending_eta_idx ON queue_job (eta) WHERE state = 'pending' AND eta IS NOT NULL`);
    await q.query(`CREATE INDEX queue_job_running_idx ON queue_job (channel, lease_expires_at) WHERE state IN ('enqueued', 'started')`);
    await q.query(`CREATE INDEX queue_job_failed_idx ON queue_job (channel) WHERE state = 'failed'`);
    // Identity keys are atomic: two concurrent enqueues with one key create one job.
    await q.query(`CREATE UNIQUE INDEX queue_job_identity_key_idx ON queue_job (identity_key)
                   WHERE identity_key IS NOT NULL AND state IN ('wait_dependencies', 'pending', 'enqueued')`);
    await q.query(`CREATE INDEX queue_job_graph_idx ON queue_job (graph_uuid) WHERE graph_uuid IS NOT NULL`);
    await q.query(`CREATE INDEX queue_job_date_created_idx ON queue_job (date_created DESC, id DESC)`);

    await q.query(`
      CREATE TABLE queue_job_channel (
        id serial PRIMARY KEY,
        name text NOT NULL,
        complete_name text NOT NULL UNIQUE,
        parent_id integer REFERENCES queue_job_channel (id),
        removal_interval integer NOT NULL DEFAULT 30,
        declared_by jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query(`INSERT INTO queue_job_channel (name, complete_name) VALUES ('root', 'root')`);
    await q.query(`
      CREATE TABLE queue_job_function (
        id serial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        channel text NOT NULL DEFAULT 'root',
        retry_pattern jsonb,
        related_action jsonb,
        declared_by jsonb NOT NULL DEFAULT '[]'
      )`);
    // Last start per throttled channel, shared by every instance.
    await q.query(`CREATE TABLE queue_job_channel_throttle (channel text PRIMARY KEY, last_start timestamptz NOT NULL)`);

    // One NOTIFY per statement that makes jobs runnable; delivered at commit, so a rollback wakes nobody.
    await q.query(`
      CREATE FUNCTION queue_job_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM changed_jobs WHERE state = 'pending') THEN
          PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER queue_job_notify_insert AFTER INSERT ON queue_job
                   REFERENCING NEW TABLE AS changed_jobs FOR EACH STATEMENT EXECUTE FUNCTION queue_job_notify()`);
    await q.query(`CREATE TRIGGER queue_job_notify_update AFTER UPDATE ON queue_job
                   REFERENCING NEW TABLE AS changed_jobs FOR EACH STATEMENT EXECUTE FUNCTION queue_job_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS queue_job_channel_throttle, queue_job_function, queue_job_channel, queue_job`);
    await q.query(`DROP FUNCTION IF EXISTS queue_job_notify()`);
  }
}
