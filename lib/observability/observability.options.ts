import { invalidOption } from '../queue-job.messages.js';

/**
 * `QueueJobModule.forRoot({ observability: { ... } })`. Each integration is on by default when its
 * package is installed in the app (`@opentelemetry/api`, `prom-client`, `@nestjs/event-emitter`) and
 * silently off otherwise; `false` turns it off, `true` (or an object) asks for it and warns at
 * startup when the package is missing.
 */
export interface ObservabilityOptions {
  /** OpenTelemetry spans for enqueue and for each execution attempt, the trace context stored with the job. */
  tracing?: boolean | TracingOptions;
  /** Counters, histograms and gauges registered in a prom-client registry. */
  prometheus?: boolean | PrometheusOptions;
  /** Re-emits the lifecycle events (`job.enqueued`, `job.failed`…) on the app's `EventEmitter2` (`EventEmitterModule.forRoot()`). */
  eventEmitter?: boolean;
}

export interface TracingOptions {
  /**
   * `false` (default): an execution span is a child of the enqueue span, in the trace that enqueued
   * the job. `true`: each execution starts a new trace, linked to the enqueue span.
   */
  link?: boolean;
}

/** The part of a prom-client `Registry` the module uses. */
export interface PrometheusRegistry {
  getSingleMetric(name: string): unknown;
  removeSingleMetric(name: string): void;
  metrics(): Promise<string>;
}

export interface PrometheusOptions {
  /** A prom-client `Registry` (default: prom-client's global `register`). */
  registry?: PrometheusRegistry;
  /** Prefix of the metric names (default `queue_job_`). */
  prefix?: string;
}

/** `'auto'`: on when the package is installed. */
export type IntegrationSetting = boolean | 'auto';

export interface ResolvedObservabilityOptions {
  tracing: { enabled: IntegrationSetting; link: boolean };
  prometheus: { enabled: IntegrationSetting; registry: PrometheusRegistry | undefined; prefix: string };
  eventEmitter: IntegrationSetting;
}

const METRIC_PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function resolveObservabilityOptions(options: ObservabilityOptions = {}): ResolvedObservabilityOptions {
  const tracing = options.tracing;
  const prometheus = options.prometheus;
  const prefix = (typeof prometheus === 'object' ? prometheus.prefix : undefined) ?? 'queue_job_';
  if (!METRIC_PREFIX.test(prefix)) {
    throw new Error(invalidOption('observability.prometheus.prefix', prefix, 'a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)'));
  }
  return {
    tracing: { enabled: setting(tracing), link: typeof tracing === 'object' && tracing.link === true },
    prometheus: { enabled: setting(prometheus), registry: typeof prometheus === 'object' ? prometheus.registry : undefined, prefix },
    eventEmitter: setting(options.eventEmitter),
  };
}

const setting = (value: boolean | object | undefined): IntegrationSetting => (value === undefined ? 'auto' : value !== false);
