import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { JobSpans } from './job-spans.js';
import { peerMissing } from './observability.messages.js';
import { OptionalPeers } from './optional-peers.js';
import type { OtelApi } from './trace-carrier.js';

/** Registers the job spans on the module's hooks when `@opentelemetry/api` is installed (option `observability.tracing`). */
@Injectable()
export class QueueJobTracing implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  private readonly unregister: Array<() => void> = [];
  /** Whether spans are made (the API is installed and tracing is not turned off). */
  active = false;

  constructor(
    private readonly hooks: QueueJobHooks,
    private readonly peers: OptionalPeers,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const { enabled, link } = this.options.observability.tracing;
    if (enabled === false) return;
    const api = await this.peers.load<OtelApi>('@opentelemetry/api');
    if (!api) {
      if (enabled === true) this.logger.warn(peerMissing('tracing', '@opentelemetry/api'));
      return;
    }
    const spans = new JobSpans(api, link);
    this.unregister.push(
      this.hooks.onEnqueue((job) => spans.enqueued(job)),
      this.hooks.wrapExecution((job, run) => spans.execute(job, run)),
    );
    this.active = true;
  }

  onApplicationShutdown(): void {
    for (const unregister of this.unregister.splice(0)) unregister();
    this.active = false;
  }
}
