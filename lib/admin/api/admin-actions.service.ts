import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { JobService } from '../../enqueue/job.service.js';
import { NoRelatedActionError, type RelatedActionResult } from '../../enqueue/related-action.js';
import type { RecordRef } from '../../enqueue/argument-serializer.js';
import { isInstance, messageOf } from '../../errors/describe-thrown.js';
import { IllegalJobTransitionError } from '../../errors/illegal-job-transition.error.js';
import { JobNotFoundError } from '../../errors/job-not-found.error.js';
import { JobStore } from '../../store/job-store.js';
import { notRecordReferences } from '../admin.messages.js';

/** The admin's actions, as they appear in its URLs. */
export const ACTIONS = ['requeue', 'set-done', 'cancel', 'related'] as const;
export type AdminAction = (typeof ACTIONS)[number];

/** A record a related action points to, loaded for display (null when it no longer exists or is not an entity of this app). */
export interface LoadedRecord extends RecordRef {
  record: object | null;
}

export interface RelatedActionView {
  action: RelatedActionResult;
  records: LoadedRecord[];
}

/** Manual actions and related actions, through JobService (all or nothing), with errors as HTTP statuses. */
@Injectable()
export class AdminActions {
  constructor(private readonly jobs: JobService, private readonly store: JobStore) {}

  async apply(action: Exclude<AdminAction, 'related'>, uuids: string[], by: string): Promise<string[]> {
    try {
      if (action === 'requeue') return await this.jobs.requeue(uuids, { by });
      if (action === 'set-done') return await this.jobs.setDone(uuids, { by });
      return await this.jobs.cancel(uuids, { by });
    } catch (error) {
      throw asHttpError(error);
    }
  }

  async related(uuid: string): Promise<RelatedActionView> {
    try {
      const action = await this.jobs.relatedAction(uuid);
      const refs = action.type === 'record' ? [action.record] : action.type === 'records' ? action.records : [];
      if (!Array.isArray(refs) || !refs.every(isRecordRef)) throw new UnprocessableEntityException(notRecordReferences(uuid));
      return { action, records: await Promise.all(refs.map((ref) => this.load(ref))) };
    } catch (error) {
      throw asHttpError(error);
    }
  }

  /** One result per uuid: the related action, or why there is none. */
  relatedMany(uuids: string[]): Promise<Array<{ uuid: string } & (RelatedActionView | { error: string })>> {
    return Promise.all(uuids.map(async (uuid) => {
      try {
        return { uuid, ...(await this.related(uuid)) };
      } catch (error) {
        return { uuid, error: messageOf(error) };
      }
    }));
  }

  private async load(ref: RecordRef): Promise<LoadedRecord> {
    const dataSource = this.store.dataSource;
    if (!dataSource.hasMetadata(ref.entity)) return { ...ref, record: null };
    const primary = dataSource.getMetadata(ref.entity).primaryColumns;
    const where = primary.length === 1 ? { [primary[0].propertyName]: ref.id } : (ref.id as object);
    return { ...ref, record: await dataSource.getRepository(ref.entity).findOneBy(where as object) };
  }
}

/**
 * What the serializer writes in `records`: an entity name and a key (a value, or an object of key
 * columns). Anything else in the column (a value nested thousands of levels deep) is not loaded nor sent.
 */
function isRecordRef(ref: unknown): ref is RecordRef {
  const { entity, id } = (ref ?? {}) as Partial<RecordRef>;
  const key = (value: unknown) => typeof value === 'string' || typeof value === 'number';
  const columns = typeof id === 'object' && id !== null && !Array.isArray(id) && Object.values(id).every(key);
  return typeof ref === 'object' && typeof entity === 'string' && (key(id) || columns);
}

/** A related action's handler is app code: what it threw is tested without `instanceof` throwing again. */
function asHttpError(error: unknown): unknown {
  if (isInstance(error, JobNotFoundError) || isInstance(error, NoRelatedActionError)) return new NotFoundException(error.message);
  if (isInstance(error, IllegalJobTransitionError)) return new ConflictException(error.message);
  return error;
}
