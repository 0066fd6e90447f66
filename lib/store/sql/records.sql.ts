export const UPSERT_CHANNEL_SQL = `
INSERT INTO queue_job_channel (name, complete_name, parent_id, removal_interval, declared_by)
VALUES ($1, $2, (SELECT id FROM queue_job_channel WHERE complete_name = $3), $4, $5)
ON CONFLICT (complete_name) DO UPDATE
SET parent_id = excluded.parent_id, removal_interval = excluded.removal_interval, declared_by = excluded.declared_by`;

/** Root stays; only what it is declared with changes. */
export const UPDATE_ROOT_SQL = `
UPDATE queue_job_channel SET removal_interval = $1, declared_by = $2 WHERE complete_name = 'root'`;

/** Channels that no module of the running app declares any more (FKs are checked at the end of the statement). */
export const DELETE_UNDECLARED_CHANNELS_SQL = `
DELETE FROM queue_job_channel WHERE complete_name <> 'root' AND NOT (complete_name = ANY($1::text[]))`;

export const UPSERT_JOB_FUNCTIONS_SQL = `
INSERT INTO queue_job_function (name, channel, retry_pattern, related_action, declared_by)
SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::jsonb[])
ON CONFLICT (name) DO UPDATE
SET channel = excluded.channel, retry_pattern = excluded.retry_pattern, related_action = excluded.related_action,
    declared_by = excluded.declared_by`;

export const DELETE_UNDECLARED_JOB_FUNCTIONS_SQL = `
DELETE FROM queue_job_function WHERE NOT (name = ANY($1::text[]))`;
