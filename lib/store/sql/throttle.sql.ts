export const SAVE_THROTTLE_LAST_STARTS_SQL = `
INSERT INTO queue_job_channel_throttle (channel, last_start)
SELECT channel, to_timestamp(t) FROM unnest($1::text[], $2::float8[]) AS s(channel, t)
ON CONFLICT (channel) DO UPDATE SET last_start = excluded.last_start`;

/** The recent starts of rate-limited channels (epoch seconds), read under the claim lock. */
export const READ_RATE_WINDOWS_SQL = (channels: string) => `SELECT channel, starts FROM queue_job_channel_rate WHERE channel = ANY(${channels})`;

export const SAVE_RATE_WINDOWS_SQL = `
INSERT INTO queue_job_channel_rate (channel, starts)
SELECT channel, ARRAY(SELECT jsonb_array_elements_text(s.starts)::float8) FROM jsonb_each($1::jsonb) AS s(channel, starts)
ON CONFLICT (channel) DO UPDATE SET starts = excluded.starts`;
