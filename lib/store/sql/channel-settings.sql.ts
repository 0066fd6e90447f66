/** Where instances hear of run-time channel setting changes (payload: the channel). */
export const CHANNEL_SETTINGS_NOTIFY = 'queue_job_channel_setting';

/** A rate as written in the configuration (`100/60`), `none` when removed at run time, null when as configured. */
const RATE_TEXT = (t: string) => `CASE WHEN ${t}.rate_count IS NULL THEN NULL WHEN ${t}.rate_count = 0 THEN 'none'
  ELSE ${t}.rate_count || '/' || ${t}.rate_seconds END AS rate`;

const SETTING_COLUMNS = (t: string) => `${t}.channel, ${t}.paused, ${t}.paused_by AS "pausedBy", ${t}.paused_at AS "pausedAt",
  ${t}.capacity, ${t}.throttle, ${t}.sequential, ${RATE_TEXT(t)}, ${t}.limits_by AS "limitsBy", ${t}.limits_at AS "limitsAt"`;

export const READ_CHANNEL_SETTINGS_SQL = `SELECT ${SETTING_COLUMNS('s')} FROM queue_job_channel_setting s ORDER BY channel`;

/**
 * One change of a channel's settings, in one statement: the row (created if need be), the audit entry and
 * the NOTIFY (delivered at commit). $1 channel, $2 the columns to set as jsonb (absent: unchanged; null:
 * back to the configuration), $3 the action, $4 who, $5 which group of columns the "by / at" go to.
 */
export const CHANGE_CHANNEL_SETTING_SQL = `
WITH changed AS (
  INSERT INTO queue_job_channel_setting AS s
    (channel, paused, capacity, throttle, sequential, rate_count, rate_seconds, paused_by, paused_at, limits_by, limits_at)
  VALUES ($1, ($2::jsonb->>'paused')::boolean, ($2::jsonb->>'capacity')::int, ($2::jsonb->>'throttle')::double precision,
    ($2::jsonb->>'sequential')::boolean,
    CASE WHEN $2::jsonb->>'rate' = 'none' THEN 0 ELSE split_part($2::jsonb->>'rate', '/', 1)::int END,
    nullif(split_part($2::jsonb->>'rate', '/', 2), '')::double precision,
    CASE WHEN $5 = 'paused' THEN $4 END, CASE WHEN $5 = 'paused' THEN now() END,
    CASE WHEN $5 = 'limits' THEN $4 END, CASE WHEN $5 = 'limits' THEN now() END)
  ON CONFLICT (channel) DO UPDATE SET
    paused = CASE WHEN $2::jsonb ? 'paused' THEN EXCLUDED.paused ELSE s.paused END,
    capacity = CASE WHEN $2::jsonb ? 'capacity' THEN EXCLUDED.capacity ELSE s.capacity END,
    throttle = CASE WHEN $2::jsonb ? 'throttle' THEN EXCLUDED.throttle ELSE s.throttle END,
    sequential = CASE WHEN $2::jsonb ? 'sequential' THEN EXCLUDED.sequential ELSE s.sequential END,
    rate_count = CASE WHEN $2::jsonb ? 'rate' THEN EXCLUDED.rate_count ELSE s.rate_count END,
    rate_seconds = CASE WHEN $2::jsonb ? 'rate' THEN EXCLUDED.rate_seconds ELSE s.rate_seconds END,
    paused_by = CASE WHEN $5 = 'paused' THEN EXCLUDED.paused_by ELSE s.paused_by END,
    paused_at = CASE WHEN $5 = 'paused' THEN EXCLUDED.paused_at ELSE s.paused_at END,
    limits_by = CASE WHEN $5 = 'limits' THEN EXCLUDED.limits_by ELSE s.limits_by END,
    limits_at = CASE WHEN $5 = 'limits' THEN EXCLUDED.limits_at ELSE s.limits_at END
  RETURNING s.*
), audited AS (
  INSERT INTO queue_job_channel_audit (channel, action, details, done_by) VALUES ($1, $3, $2::jsonb, $4)
)
SELECT ${SETTING_COLUMNS('c')}, pg_notify('${CHANNEL_SETTINGS_NOTIFY}', c.channel) IS NULL AS notified
FROM changed c`;

export const CHANNEL_AUDIT_SQL = `SELECT channel, action, details, done_by AS "doneBy", done_at AS "doneAt"
FROM queue_job_channel_audit WHERE $1::text IS NULL OR channel = $1 ORDER BY done_at DESC, id DESC LIMIT $2`;
