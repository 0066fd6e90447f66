import { JobFunctionRegistry } from '../discovery/job-function.registry.js';
import { JobService } from '../enqueue/job.service.js';
import { TypeOrmEntities } from '../enqueue/typeorm-entities.js';
import { QUEUE_JOB_DATA_SOURCE } from '../queue-job.constants.js';
import type { DataSource } from 'typeorm';
import { JobsTrap } from './jobs-trap.js';
import { trapBeforeInit, trapWithoutModule } from '../queue-job.messages.js';

/** Anything Nest can get providers from: an app, an application context, a TestingModule. */
export interface ProviderSource {
  get<T = unknown>(token: unknown, options?: { strict?: boolean }): T;
}

/**
 * Traps the jobs enqueued in `app` until `trap.restore()`:
 * `const trap = trapJobs(app); await orders.place(...); trap.assertEnqueued(orders.confirm, [order]);`
 */
export function trapJobs(app: ProviderSource): JobsTrap {
  const jobs = providerOf<JobService>(app, JobService);
  const registry = providerOf<JobFunctionRegistry>(app, JobFunctionRegistry);
  // Before init, @Delayable() calls reach no job service: a trap would see nothing and say nothing.
  if (!registry.isDiscovered) throw new Error(trapBeforeInit());
  const dataSource = app.get<DataSource>(QUEUE_JOB_DATA_SOURCE, { strict: false });
  const trap = new JobsTrap(jobs, registry, new TypeOrmEntities(dataSource));
  jobs.useSink(trap);
  return trap;
}

function providerOf<T>(app: ProviderSource, token: Function): T {
  try {
    return app.get<T>(token, { strict: false });
  } catch (error) {
    throw new Error(trapWithoutModule((error as Error).message), { cause: error });
  }
}
