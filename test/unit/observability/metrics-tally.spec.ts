import { describe, expect, it } from '@jest/globals';
import type { JobEvent } from '../../../lib/hooks/job-event.js';
import { MetricsTally } from '../../../lib/observability/metrics-tally.js';

const at = new Date();
const event = (name: JobEvent['name'], extra: Partial<JobEvent> = {}): JobEvent =>
  ({ name, uuid: 'u', jobFunction: '<S>.m', channel: 'root', retry: 1, maxRetries: 5, at, ...extra });

describe('MetricsTally', () => {
  it('counts events per channel and job function, with execution and wait times', () => {
    const tally = new MetricsTally();
    tally.record(event('job.enqueued', { retry: 0 }));
    tally.record(event('job.started', { waitSeconds: 2 }));
    tally.record(event('job.retrying', { execTime: 0.5 }));
    tally.record(event('job.started', { retry: 2, waitSeconds: 1 }));
    tally.record(event('job.done', { retry: 2, execTime: 1.5 }));
    tally.record(event('job.enqueued', { channel: 'root.b', retry: 0 }));
    tally.record(event('job.failed', { channel: 'root.b', reason: 'dead-executor' }));
    tally.record(event('job.cancelled', { channel: 'root.b', jobFunction: '<S>.a', by: 'x' }));

    expect(tally.totals()).toEqual({ enqueued: 2, started: 2, done: 1, retried: 1, failed: 1, cancelled: 1, rescued: 1 });
    const [root, cancelled, rescued] = tally.byJobFunction();
    expect([root!.channel, cancelled!.jobFunction, rescued!.jobFunction]).toEqual(['root', '<S>.a', '<S>.m']);
    expect(root).toMatchObject({ enqueued: 1, started: 2, retried: 1, done: 1, execTime: { count: 2, sum: 2, max: 1.5 }, waitTime: { count: 2, sum: 3, max: 2 } });
    expect(rescued).toMatchObject({ channel: 'root.b', enqueued: 1, failed: 1, rescued: 1, execTime: { count: 0, sum: 0, max: 0 } });
  });

  it('counts a job taken back from an executor alive past its lease (lease-lost) as rescued too', () => {
    const tally = new MetricsTally();
    tally.record(event('job.retrying', { reason: 'lease-lost' }));
    tally.record(event('job.failed', { retry: 2, reason: 'lease-lost' }));
    expect(tally.totals()).toMatchObject({ retried: 1, failed: 1, rescued: 2 });
  });

  it('hands out copies', () => {
    const tally = new MetricsTally();
    tally.record(event('job.done', { execTime: 1 }));
    tally.byJobFunction()[0]!.execTime.count = 99;
    expect(tally.byJobFunction()[0]!.execTime.count).toBe(1);
  });
});
