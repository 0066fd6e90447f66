import { Injectable } from '@nestjs/common';
import type { QueueJob } from '../store/entities/queue-job.entity.js';
import type { RelatedActionResult } from '../enqueue/related-action.js';

/** A method registered with `@RelatedAction(name)`. */
export type RelatedActionHandler = (job: QueueJob, kwargs: Record<string, unknown>) => RelatedActionResult | Promise<RelatedActionResult>;

/** The related actions of this app, by name. */
@Injectable()
export class RelatedActionRegistry {
  private readonly handlers = new Map<string, { handler: RelatedActionHandler; owner: string }>();

  add(name: string, handler: RelatedActionHandler, owner: string): void {
    const existing = this.handlers.get(name);
    if (existing && existing.owner !== owner) {
      throw new Error(`Related action "${name}" is registered twice (${existing.owner} and ${owner}): give one of them another name.`);
    }
    this.handlers.set(name, { handler, owner });
  }

  get(name: string): RelatedActionHandler | undefined {
    return this.handlers.get(name)?.handler;
  }
}
