import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { failureLine, transitionLine } from './observability.messages.js';

/**
 * One log line per job transition, in the `QueueJob` context: debug for enqueued, started, done,
 * retrying and cancelled (and for each stored progress report); error for a failure, with uuid and job function. Lines name the job, never
 * its arguments or result.
 */
@Injectable()
export class JobTransitionLog implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly hooks: QueueJobHooks) {}

  onModuleInit(): void {
    this.unsubscribe = this.hooks.on((event) => {
      if (event.name === 'job.failed') this.logger.error(failureLine(event));
      // Formatting a line per transition costs; not when the app's log levels leave debug out.
      else if (Logger.isLevelEnabled('debug')) this.logger.debug(transitionLine(event));
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }
}
