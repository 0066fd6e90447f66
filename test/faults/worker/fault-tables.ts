/**
 * What the fault suite measures, written by the jobs themselves: one `fault_run` row per execution
 * of a job method (start and end on the database clock, shared by every process), and `fault_work`
 * rows written through the job's own transaction. The tests create the tables before the workers start.
 */
export const FAULT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS fault_run (
  execution uuid PRIMARY KEY,
  job_uuid uuid NOT NULL,
  attempt int NOT NULL,
  tag text NOT NULL,
  channel text NOT NULL,
  worker_pid int NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at timestamptz
);
CREATE INDEX IF NOT EXISTS fault_run_job_idx ON fault_run (job_uuid);
CREATE TABLE IF NOT EXISTS fault_work (
  id serial PRIMARY KEY,
  job_uuid uuid NOT NULL,
  tag text NOT NULL,
  worker_pid int NOT NULL
)`;

export const INSERT_RUN_SQL = `
INSERT INTO fault_run (execution, job_uuid, attempt, tag, channel, worker_pid) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (execution) DO NOTHING`;

/** An execution that does not sleep: started and ended in one statement (the database-restart spec runs thousands). */
export const INSTANT_RUN_SQL = `
INSERT INTO fault_run (execution, job_uuid, attempt, tag, channel, worker_pid, ended_at) VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
ON CONFLICT (execution) DO NOTHING`;

export const END_RUN_SQL = `UPDATE fault_run SET ended_at = clock_timestamp() WHERE execution = $1 AND ended_at IS NULL`;
