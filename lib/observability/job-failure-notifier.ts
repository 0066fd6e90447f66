import { providerMethods } from '../discovery/provider-methods.js';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { DelayableOptions } from '../decorators/delayable.decorator.js';
import { jobFunctionName } from '../discovery/job-function.js';
import type { JobEvent } from '../hooks/job-event.js';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { DELAYABLE_METADATA } from '../queue-job.constants.js';
import { ON_JOB_FAILURE_METADATA } from './observability.constants.js';
import { failureHandlerThrew, unknownFailureTarget } from './observability.messages.js';

/** A method marked `@OnJobFailure()`: receives the `job.failed` event. */
export type JobFailureHandler = (event: JobEvent) => unknown;

interface Registration {
  /** Empty: every job function. */
  jobFunctions: string[];
  handler: JobFailureHandler;
  owner: string;
}

/**
 * Finds the `@OnJobFailure()` methods of the app's providers and calls them when a job fails for
 * good: once per `job.failed` event (the executor's, or the rescue of a dead executor's job), never
 * for retries. Handlers run after the event, without holding up the runner; one that throws is
 * logged; shutdown waits for those still running.
 */
@Injectable()
export class JobFailureNotifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  private readonly registrations: Registration[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly hooks: QueueJobHooks,
  ) {}

  /**
   * Names are checked against the `@Delayable()` methods found in the same pass (not the job function
   * registry, which another provider fills during this phase), so a typo stops the app before the runner starts.
   */
  onModuleInit(): void {
    const known = new Set<string>();
    for (const { instance, methodName, method } of providerMethods(this.discovery, this.scanner)) {
      const delayable = this.reflector.get<DelayableOptions | undefined>(DELAYABLE_METADATA, method);
      if (delayable) known.add(delayable.name ?? jobFunctionName(instance.constructor.name, methodName));
      const jobFunctions = this.reflector.get<string[] | undefined>(ON_JOB_FAILURE_METADATA, method);
      if (!jobFunctions) continue;
      const handler = (method as unknown as JobFailureHandler).bind(instance);
      this.registrations.push({ jobFunctions, handler, owner: `${instance.constructor.name}.${methodName}` });
    }
    for (const { jobFunctions, owner } of this.registrations) {
      const unknown = jobFunctions.find((name) => !known.has(name));
      if (unknown !== undefined) throw new Error(unknownFailureTarget(unknown, owner, [...known].sort()));
    }
    if (this.registrations.length > 0) this.unsubscribe = this.hooks.on((event) => this.notify(event));
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.inFlight]);
  }

  private notify(event: JobEvent): void {
    if (event.name !== 'job.failed') return;
    for (const { jobFunctions, handler, owner } of this.registrations) {
      if (jobFunctions.length > 0 && !jobFunctions.includes(event.jobFunction)) continue;
      const call = new Promise((resolve) => resolve(handler(event)))
        .then(() => undefined, (error: unknown) => this.logger.error(failureHandlerThrew(owner, event, error)))
        .finally(() => this.inFlight.delete(call));
      this.inFlight.add(call);
    }
  }
}
