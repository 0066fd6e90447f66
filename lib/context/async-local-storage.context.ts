import type { AsyncLocalStorage } from 'node:async_hooks';
import type { JsonObject, QueueJobContextOptions } from './context-options.js';

export interface AsyncLocalStorageContextOptions {
  /** Only these keys of the store travel with the job (default: the whole store). */
  keys?: readonly string[];
}

/**
 * The module option `context` for a plain `AsyncLocalStorage` whose store is a JSON object, e.g.
 * `{ userId, tenant, locale }` set by a middleware: captured at enqueue, and the job runs in
 * `storage.run(capturedStore, …)`. A store of another shape needs its own `{ capture, restore }`.
 */
export function asyncLocalStorageContext<T extends object>(
  storage: AsyncLocalStorage<T>, options: AsyncLocalStorageContextOptions = {},
): QueueJobContextOptions {
  return {
    capture() {
      const store = storage.getStore() as Record<string, JsonObject[string]> | undefined;
      if (store === undefined) return null;
      if (!options.keys) return store;
      return Object.fromEntries(options.keys.filter((key) => store[key] !== undefined).map((key) => [key, store[key]!]));
    },
    restore: (context, run) => storage.run(context as unknown as T, run),
  };
}
