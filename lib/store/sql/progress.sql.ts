/**
 * Writes a running job's progress (`$3`, `$4`): only while the attempt holding lease token `$2` still
 * runs it (fencing). Once its outcome is recorded, or the job was taken back (lease lost, timeout,
 * cancel), the token is gone and nothing is written.
 */
export const WRITE_PROGRESS_SQL = `
UPDATE queue_job SET progress = $3, progress_message = $4
WHERE id = $1 AND lease_token = $2 AND state IN ('enqueued', 'started')`;

/** What a job going back to pending sets: its next attempt reports its own progress. */
export const CLEAR_PROGRESS = `progress = NULL, progress_message = NULL`;
