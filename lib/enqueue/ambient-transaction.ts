import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** The transaction opened by `jobService.transaction(fn)`, seen by enqueues inside `fn`. One per JobService. */
export class AmbientTransaction {
  private readonly storage = new AsyncLocalStorage<EntityManager>();

  run<T>(manager: EntityManager, fn: () => Promise<T>): Promise<T> {
    return this.storage.run(manager, fn);
  }

  get manager(): EntityManager | undefined {
    return this.storage.getStore();
  }
}
