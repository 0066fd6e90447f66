export const FIND_JOB_BY_UUID_SQL = `SELECT * FROM queue_job WHERE uuid = $1`;
