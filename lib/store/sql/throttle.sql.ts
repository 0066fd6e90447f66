export const SAVE_THROTTLE_LAST_STARTS_SQL = `
INSERT INTO queue_job_channel_throttle (channel, last_start)
SELECT channel, to_timestamp(t) FROM unnest($1::text[], $2::float8[]) AS s(channel, t)
ON CONFLICT (channel) DO UPDATE SET last_start = excluded.last_start`;
