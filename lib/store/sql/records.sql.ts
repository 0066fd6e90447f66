export const UPSERT_CHANNEL_SQL = `
INSERT INTO queue_job_channel (name, complete_name, parent_id, removal_interval, declared_by)
VALUES ($1, $2, (SELECT id FROM queue_job_channel WHERE complete_name = $3), $4, $5)
ON CONFLICT (complete_name) DO UPDATE
SET parent_id = excluded.parent_id, removal_interval = excluded.removal_interval, declared_by = excluded.declared_by`;

/** Root stays; only what it is declared with changes. */
export const UPDATE_ROOT_SQL = `
UPDATE queue_job_channel SET removal_interval = $1, declared_by = $2 WHERE complete_name = 'root'`;

/** Names that some worker seen within `$1` seconds declares (its own row, just announced, included). */
const declaredWithin = (column: 'declared_channels' | 'declared_functions') =>
  `SELECT unnest(w.${column}) FROM queue_job_worker w WHERE w.last_seen > now() - $1::int * interval '1 second'`;

/**
 * Channels that no worker declared within the grace (`$1` seconds): another app, or a version down
 * for a deploy, keeps its records. Each worker declares the parents of its channels, so what stays
 * keeps its parents (FKs are checked at the end of the statement).
 */
export const DELETE_UNDECLARED_CHANNELS_SQL = `
DELETE FROM queue_job_channel WHERE complete_name <> 'root' AND complete_name NOT IN (${declaredWithin('declared_channels')})`;

export const UPSERT_JOB_FUNCTIONS_SQL = `
INSERT INTO queue_job_function (name, channel, retry_pattern, related_action, declared_by)
SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::jsonb[])
ON CONFLICT (name) DO UPDATE
SET channel = excluded.channel, retry_pattern = excluded.retry_pattern, related_action = excluded.related_action,
    declared_by = excluded.declared_by`;

/** Job function records that no worker declared within the grace (`$1` seconds). */
export const DELETE_UNDECLARED_JOB_FUNCTIONS_SQL = `
DELETE FROM queue_job_function WHERE name NOT IN (${declaredWithin('declared_functions')})`;
