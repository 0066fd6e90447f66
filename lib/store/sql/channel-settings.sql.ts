/** Where instances hear of run-time channel setting changes (payload: the channel). */
export const CHANNEL_SETTINGS_NOTIFY = 'queue_job_channel_setting';

const SETTING_COLUMNS = `channel, paused, paused_by AS "pausedBy", paused_at AS "pausedAt", capacity, throttle, sequential,
  limits_by AS "limitsBy", limits_at AS "limitsAt"`;

export const READ_CHANNEL_SETTINGS_SQL = `SELECT ${SETTING_COLUMNS} FROM queue_job_channel_setting ORDER BY channel`;

/**
 * One change of a channel's settings, in one statement: the row (created if need be), the audit entry and
 * the NOTIFY (delivered at commit). $1 channel, $2 the columns to set as jsonb (absent: unchanged; null:
 * back to the configuration), $3 the action, $4 who, $5 which group of columns the "by / at" go to.
 */
export const CHANGE_CHANNEL_SETTING_SQL = `
WITH changed AS (
  INSERT INTO queue_job_channel_setting AS s
    (channel, paused, capacity, throttle, sequential, paused_by, paused_at, limits_by, limits_at)
  VALUES ($1, ($2::jsonb->>'paused')::boolean, ($2::jsonb->>'capacity')::int, ($2::jsonb->>'throttle')::double precision,
    ($2::jsonb->>'sequential')::boolean,
    CASE WHEN $5 = 'paused' THEN $4 END, CASE WHEN $5 = 'paused' THEN now() END,
    CASE WHEN $5 = 'limits' THEN $4 END, CASE WHEN $5 = 'limits' THEN now() END)
  ON CONFLICT (channel) DO UPDATE SET
    paused = CASE WHEN $2::jsonb ? 'paused' THEN EXCLUDED.paused ELSE s.paused END,
    capacity = CASE WHEN $2::jsonb ? 'capacity' THEN EXCLUDED.capacity ELSE s.capacity END,
    throttle = CASE WHEN $2::jsonb ? 'throttle' THEN EXCLUDED.throttle ELSE s.throttle END,
    sequential = CASE WHEN $2::jsonb ? 'sequential' THEN EXCLUDED.sequential ELSE s.sequential END,
    paused_by = CASE WHEN $5 = 'paused' THEN EXCLUDED.paused_by ELSE s.paused_by END,
    paused_at = CASE WHEN $5 = 'paused' THEN EXCLUDED.paused_at ELSE s.paused_at END,
    limits_by = CASE WHEN $5 = 'limits' THEN EXCLUDED.limits_by ELSE s.limits_by END,
    limits_at = CASE WHEN $5 = 'limits' THEN EXCLUDED.limits_at ELSE s.limits_at END
  RETURNING s.*
), audited AS (
  INSERT INTO queue_job_channel_audit (channel, action, details, done_by) VALUES ($1, $3, $2::jsonb, $4)
)
SELECT c.channel, c.paused, c.paused_by AS "pausedBy", c.paused_at AS "pausedAt", c.capacity, c.throttle, c.sequential,
  c.limits_by AS "limitsBy", c.limits_at AS "limitsAt", pg_notify('${CHANNEL_SETTINGS_NOTIFY}', c.channel) IS NULL AS notified
FROM changed c`;

export const CHANNEL_AUDIT_SQL = `SELECT channel, action, details, done_by AS "doneBy", done_at AS "doneAt"
FROM queue_job_channel_audit WHERE $1::text IS NULL OR channel = $1 ORDER BY done_at DESC, id DESC LIMIT $2`;
