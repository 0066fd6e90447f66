import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type * as Prom from 'prom-client';
import { QueueJobHooks } from '../hooks/queue-job-hooks.js';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { JobRunner } from '../runner/job-runner.js';
import { JobStore } from '../store/job-store.js';
import { readQueueGauges } from '../store/observability-reads.js';
import { MetricsTally } from './metrics-tally.js';
import { peerMissing } from './observability.messages.js';
import { OptionalPeers } from './optional-peers.js';
import { PrometheusExporter, type PromClient } from './prometheus-exporter.js';
import type { QueueJobStats } from './queue-job-stats.js';

/**
 * The queue's numbers: lifecycle events counted per channel and job function, execution and wait
 * times, and pending / running jobs per channel read from the database. Always available through
 * `snapshot()`; also exported to prom-client when it is installed (option `observability.prometheus`).
 */
@Injectable()
export class QueueJobMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueJob');
  private readonly tally = new MetricsTally();
  private exporter: PrometheusExporter | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly hooks: QueueJobHooks,
    private readonly store: JobStore,
    private readonly runner: JobRunner,
    private readonly peers: OptionalPeers,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) private readonly options: ResolvedQueueJobOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = this.hooks.on((event) => {
      this.tally.record(event);
      this.exporter?.record(event);
    });
    const { enabled, registry, prefix } = this.options.observability.prometheus;
    if (enabled === false) return;
    const prom = await this.peers.load<PromClient>('prom-client');
    if (!prom) {
      if (enabled === true) this.logger.warn(peerMissing('prometheus', 'prom-client'));
      return;
    }
    this.exporter = new PrometheusExporter(prom, (registry ?? prom.register) as Prom.Registry, prefix, () => readQueueGauges(this.store));
  }

  /** Whether the metrics are exported to prom-client. */
  get prometheus(): boolean {
    return this.exporter !== undefined;
  }

  /** Counters and timings of this instance, and the current pending / running jobs of every instance. */
  async snapshot(): Promise<QueueJobStats> {
    return {
      since: this.tally.since,
      totals: this.tally.totals(),
      byJobFunction: this.tally.byJobFunction(),
      channels: await readQueueGauges(this.store),
      runningHere: this.runner.runningCount,
    };
  }

  /** Jobs of dead executors (or of live ones past their lease) this instance requeued or failed since it started. */
  get deadJobRescues(): number {
    return this.tally.totals().rescued;
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.exporter?.close();
    this.exporter = undefined;
  }
}
