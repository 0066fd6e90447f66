import type { RelatedActionRegistry } from '../discovery/related-action.registry.js';
import type { RelatedActionConfig } from '../records/declarations.js';
import type { QueueJob } from '../store/entities/queue-job.entity.js';
import type { RecordRef } from './argument-serializer.js';

/** What the admin's "Related" button opens. */
export type RelatedActionResult =
  | { type: 'url'; url: string; name?: string }
  | { type: 'record'; record: RecordRef; name?: string }
  | { type: 'records'; records: RecordRef[]; name?: string };

/** The job has no related action (disabled, or nothing to open). */
export class NoRelatedActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoRelatedActionError';
  }
}

/**
 * The related action of `job` (SPEC §7): the job function's `funcName` handler when set, else its
 * records: one record opens it, several open the list.
 */
export async function relatedActionOf(
  job: QueueJob, config: RelatedActionConfig | null, registry: RelatedActionRegistry,
): Promise<RelatedActionResult> {
  const label = `Job ${job.uuid} (${job.jobFunction})`;
  if (config?.enable === false) throw new NoRelatedActionError(`${label} has no related action: its job function sets relatedAction.enable = false.`);
  if (config?.funcName) {
    const handler = registry.get(config.funcName);
    if (!handler) {
      throw new NoRelatedActionError(`${label}: related action "${config.funcName}" is not registered; mark a provider method with @RelatedAction('${config.funcName}').`);
    }
    return handler(job, config.kwargs ?? {});
  }
  const records = (job.records ?? []) as RecordRef[];
  if (records.length === 0) throw new NoRelatedActionError(`${label} has no related action: no record among its arguments.`);
  return records.length === 1 ? { type: 'record', record: records[0] } : { type: 'records', records };
}
