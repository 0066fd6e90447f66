import type * as Prom from 'prom-client';
import { isRescue, isTransition, type JobEvent } from '../hooks/job-event.js';
import type { ChannelGauges } from '../store/observability-reads.js';
import { COUNTED } from './metrics-tally.js';
import type { JobCounts } from './queue-job-stats.js';

export type PromClient = typeof Prom;

type JobLabels = 'channel' | 'job_function';

const HELP: Record<keyof JobCounts, string> = {
  enqueued: 'Jobs enqueued', started: 'Job execution attempts started', done: 'Jobs done (run or set done by hand)',
  retried: 'Job attempts that ended in a retry', failed: 'Jobs failed for good', cancelled: 'Jobs cancelled',
  rescued: 'Jobs of a dead executor requeued or failed (JobFoundDead)',
};
const EXECUTION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];

/**
 * The module's metrics in a prom-client registry: counters and histograms fed by the lifecycle events,
 * pending and running gauges read from the database at scrape time. A metric the registry already
 * holds (another app of the same process) is shared; the metrics this exporter registered are removed
 * from the registry at shutdown.
 */
export class PrometheusExporter {
  private readonly owned: string[] = [];
  private readonly counters: Record<keyof JobCounts, Prom.Counter<JobLabels>>;
  private readonly execution: Prom.Histogram<JobLabels>;
  private readonly wait: Prom.Histogram<JobLabels>;
  /** The read under way: both gauges of one scrape (collected concurrently) share one query. */
  private gaugeRead: Promise<ChannelGauges[] | null> | undefined;

  constructor(
    private readonly prom: PromClient,
    private readonly registry: Prom.Registry,
    private readonly prefix: string,
    private readonly readGauges: () => Promise<ChannelGauges[]>,
  ) {
    const labelNames: JobLabels[] = ['channel', 'job_function'];
    const registers = [registry];
    this.counters = Object.fromEntries((Object.keys(HELP) as Array<keyof JobCounts>).map((key) => [key, this.metric(
      `${key}_total`, (name) => new prom.Counter({ name, help: HELP[key], labelNames, registers }),
    )])) as Record<keyof JobCounts, Prom.Counter<JobLabels>>;
    this.execution = this.metric('execution_seconds', (name) => new prom.Histogram({
      name, help: 'Execution time of job attempts, in seconds', labelNames, buckets: EXECUTION_BUCKETS, registers,
    }));
    this.wait = this.metric('wait_seconds', (name) => new prom.Histogram({
      name, help: 'Time jobs waited from due (eta or creation) to start, in seconds', labelNames, buckets: WAIT_BUCKETS, registers,
    }));
    this.gauge('pending', 'Jobs pending (waiting for a free slot or their eta), per channel, all instances', (g) => g.pending);
    this.gauge('running', 'Jobs running (enqueued or started), per channel, all instances', (g) => g.running);
  }

  record(event: JobEvent): void {
    if (!isTransition(event)) return;
    const labels = { channel: event.channel, job_function: event.jobFunction };
    this.counters[COUNTED[event.name]].inc(labels);
    if (isRescue(event)) this.counters.rescued.inc(labels);
    if (event.execTime !== undefined) this.execution.observe(labels, event.execTime);
    if (event.name === 'job.started' && event.waitSeconds !== undefined) this.wait.observe(labels, event.waitSeconds);
  }

  /** Removes the metrics this exporter registered. */
  close(): void {
    for (const name of this.owned.splice(0)) this.registry.removeSingleMetric(name);
  }

  private metric<M>(suffix: string, make: (name: string) => M): M {
    const name = this.prefix + suffix;
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as M;
    const metric = make(name);
    this.owned.push(name);
    return metric;
  }

  private gauge(suffix: string, help: string, value: (row: ChannelGauges) => number): void {
    const exporter = this;
    this.metric(suffix, (name) => new this.prom.Gauge({
      name, help, labelNames: ['channel'], registers: [this.registry],
      async collect() {
        const rows = await exporter.currentGauges();
        this.reset();
        for (const row of rows ?? []) this.set({ channel: row.channel }, value(row));
      },
    }));
  }

  /** A failed read leaves the gauges empty for this scrape rather than failing the whole scrape. */
  private currentGauges(): Promise<ChannelGauges[] | null> {
    this.gaugeRead ??= this.readGauges().catch(() => null).finally(() => (this.gaugeRead = undefined));
    return this.gaugeRead;
  }
}
