import { ClsServiceManager, type ClsService } from 'nestjs-cls';
import type { JsonObject, QueueJobContextOptions } from '../context-options.js';

export interface ClsContextOptions {
  /** The CLS keys that travel with the job (an allow-list, as queue_job's context keys): e.g. `['userId', 'tenantId', 'locale']`. */
  keys: readonly string[];
  /** Default: the ClsService that nestjs-cls shares across the process (the one `ClsModule` injects). */
  cls?: ClsService;
}

/**
 * The module option `context` for `nestjs-cls`: the listed keys are read from the CLS context at
 * enqueue, and the job runs in a new CLS context holding them (`cls.run({ ifNested: 'override' })`).
 * Import it from `nestjs-queue-job/cls`: the main entry never loads nestjs-cls.
 */
export function clsContext(options: ClsContextOptions): QueueJobContextOptions {
  if (!Array.isArray(options?.keys) || options.keys.some((key) => typeof key !== 'string' || key === '')) {
    throw new Error('clsContext({ keys }): keys must list the CLS keys that travel with jobs, e.g. clsContext({ keys: [\'userId\', \'tenantId\'] }).');
  }
  const cls = () => options.cls ?? ClsServiceManager.getClsService();
  return {
    capture() {
      const service = cls();
      if (!service.isActive()) return null;
      const context: JsonObject = {};
      for (const key of options.keys) {
        const value = service.get(key) as JsonObject[string] | undefined;
        if (value !== undefined) context[key] = value;
      }
      return context;
    },
    restore(context, run) {
      const service = cls();
      return service.run({ ifNested: 'override' }, () => {
        for (const [key, value] of Object.entries(context)) service.set(key, value);
        return run();
      });
    },
  };
}
