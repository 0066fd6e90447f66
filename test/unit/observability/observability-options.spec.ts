import { describe, expect, it } from '@jest/globals';
import { resolveObservabilityOptions } from '../../../lib/observability/observability.options.js';

describe('observability options', () => {
  it('each integration is "auto" (on when its package is installed) unless set', () => {
    expect(resolveObservabilityOptions()).toEqual({
      tracing: { enabled: 'auto', link: false },
      prometheus: { enabled: 'auto', registry: undefined, prefix: 'queue_job_' },
      eventEmitter: 'auto',
    });
  });

  it('true or an object asks for it, false turns it off', () => {
    const registry = { getSingleMetric: () => undefined, removeSingleMetric: () => undefined, metrics: async () => '' };
    expect(resolveObservabilityOptions({ tracing: { link: true }, prometheus: { registry, prefix: 'shop_' }, eventEmitter: false })).toEqual({
      tracing: { enabled: true, link: true },
      prometheus: { enabled: true, registry, prefix: 'shop_' },
      eventEmitter: false,
    });
    expect(resolveObservabilityOptions({ tracing: false, prometheus: true }).tracing.enabled).toBe(false);
  });

  it('refuses a prefix Prometheus would refuse', () => {
    expect(() => resolveObservabilityOptions({ prometheus: { prefix: 'queue-job.' } })).toThrow(
      'QueueJobModule option "observability.prometheus.prefix" is "queue-job.": expected a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*).');
  });
});
