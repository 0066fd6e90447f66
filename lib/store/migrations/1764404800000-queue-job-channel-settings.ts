import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channel settings changed at run time, cluster-wide (`jobService.pauseChannel`, `setChannelLimits`):
 * `queue_job_channel_setting` holds, per channel, what overrides the channels configuration of every
 * instance (a null column: as configured), with who changed it and when; `queue_job_channel_audit`
 * keeps every change. Instances learn of a change by `NOTIFY queue_job_channel_setting`.
 * `queue_job_channel_rate` holds the recent starts (epoch seconds) of each rate-limited channel
 * (`rate=N/S`): at most N, read and written by claims under the claim lock.
 */
export class QueueJobChannelSettings1764404800000 implements MigrationInterface {
  name = 'QueueJobChannelSettings1764404800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE queue_job_channel_setting (
      channel text PRIMARY KEY,
      paused boolean,
      paused_by text,
      paused_at timestamptz,
      capacity int CHECK (capacity BETWEEN 0 AND 10000),
      throttle double precision CHECK (throttle >= 0),
      sequential boolean,
      rate_count int CHECK (rate_count BETWEEN 0 AND 100000),
      rate_seconds double precision CHECK (rate_seconds > 0),
      limits_by text,
      limits_at timestamptz
    )`);
    await q.query(`CREATE TABLE queue_job_channel_audit (
      id bigserial PRIMARY KEY,
      channel text NOT NULL,
      action text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      done_by text NOT NULL,
      done_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX queue_job_channel_audit_channel ON queue_job_channel_audit (channel, done_at DESC)`);
    await q.query(`CREATE TABLE queue_job_channel_rate (channel text PRIMARY KEY, starts double precision[] NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS queue_job_channel_rate`);
    await q.query(`DROP TABLE IF EXISTS queue_job_channel_audit`);
    await q.query(`DROP TABLE IF EXISTS queue_job_channel_setting`);
  }
}
