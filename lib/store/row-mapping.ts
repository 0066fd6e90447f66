import { QueueJob } from './entities/queue-job.entity.js';

type Row = Record<string, unknown>;

const COLUMNS: ReadonlyArray<[keyof QueueJob, string]> = [
  ['id', 'id'], ['uuid', 'uuid'], ['graphUuid', 'graph_uuid'], ['name', 'name'], ['jobFunction', 'job_function'],
  ['serviceName', 'service_name'], ['methodName', 'method_name'], ['funcString', 'func_string'], ['args', 'args'],
  ['records', 'records'], ['dependencies', 'dependencies'], ['state', 'state'], ['priority', 'priority'], ['eta', 'eta'],
  ['retry', 'retry'], ['maxRetries', 'max_retries'], ['channel', 'channel'], ['identityKey', 'identity_key'],
  ['result', 'result'], ['excName', 'exc_name'], ['excMessage', 'exc_message'], ['excInfo', 'exc_info'],
  ['dateCreated', 'date_created'], ['dateEnqueued', 'date_enqueued'], ['dateStarted', 'date_started'],
  ['dateDone', 'date_done'], ['dateCancelled', 'date_cancelled'], ['execTime', 'exec_time'], ['workerId', 'worker_id'],
  ['leaseToken', 'lease_token'], ['leaseExpiresAt', 'lease_expires_at'], ['context', 'context'], ['userId', 'user_id'],
  ['traceContext', 'trace_context'], ['timeout', 'timeout'], ['progress', 'progress'], ['progressMessage', 'progress_message'],
];

/** A raw `queue_job` row (snake_case, as pg returns it) as a `QueueJob` entity. */
export function toQueueJob(row: Row): QueueJob {
  const job = new QueueJob();
  const target = job as unknown as Row;
  for (const [property, column] of COLUMNS) target[property] = row[column] ?? null;
  job.id = String(row.id);
  return job;
}
