/**
 * Children of the jobs `$1` (uuids just set done) whose parents are now all done become pending.
 * Callers hold the claim lock first, so two parents finishing at once cannot both miss each other.
 */
export const RELEASE_CHILDREN_SQL = `
UPDATE queue_job c SET state = 'pending'
WHERE c.state = 'wait_dependencies'
  AND c.uuid IN (SELECT jsonb_array_elements_text(p.dependencies -> 'reverse_depends_on')::uuid
                 FROM queue_job p WHERE p.uuid = ANY($1::uuid[]))
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(c.dependencies -> 'depends_on') AS d(uuid)
                  JOIN queue_job p ON p.uuid = d.uuid::uuid WHERE p.state <> 'done')
RETURNING c.uuid`;

/** Waiting children of the jobs `$1` (uuids just cancelled) whose parents are all cancelled are cancelled too. */
export const CANCEL_CHILDREN_SQL = `
UPDATE queue_job c SET state = 'cancelled', date_cancelled = now(), result = to_jsonb($2::text)
WHERE c.state = 'wait_dependencies'
  AND c.uuid IN (SELECT jsonb_array_elements_text(p.dependencies -> 'reverse_depends_on')::uuid
                 FROM queue_job p WHERE p.uuid = ANY($1::uuid[]))
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(c.dependencies -> 'depends_on') AS d(uuid)
                  JOIN queue_job p ON p.uuid = d.uuid::uuid WHERE p.state <> 'cancelled')
RETURNING c.uuid, c.job_function, c.channel, c.retry, c.max_retries`;
