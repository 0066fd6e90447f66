import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Registry, register as globalRegister } from 'prom-client';
import { JobService } from '../../lib/enqueue/job.service.js';
import { QueueJobMetrics } from '../../lib/observability/queue-job-metrics.js';
import { ObservedLog, ObservedService } from '../fixtures/observed.service.js';
import { inState, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

const OK = '<ObservedService>.ok';
const RETRY_ONCE = '<ObservedService>.retryOnce';
const CRASH = '<ObservedService>.crash';

/** The sample lines of the Prometheus text output, `name{labels} value`. */
async function samples(registry: Registry): Promise<Map<string, number>> {
  const lines = (await registry.metrics()).split('\n').filter((line) => line && !line.startsWith('#'));
  return new Map(lines.map((line) => {
    const cut = line.lastIndexOf(' ');
    return [line.slice(0, cut), Number(line.slice(cut + 1))];
  }));
}

const labels = (channel: string, jobFunction: string) => `{channel="${channel}",job_function="${jobFunction}"}`;

describe('metrics: counters, timings and gauges after a known workload', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let observed: ObservedService;
  let jobs: JobService;
  let metrics: QueueJobMetrics;
  const log = new ObservedLog();
  const registry = new Registry();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      url: db.url, channels: 'root:4,root.fast:2', observability: { prometheus: { registry } },
      providers: [ObservedService, { provide: ObservedLog, useValue: log }],
    });
    observed = app.get(ObservedService);
    jobs = app.get(JobService);
    metrics = app.get(QueueJobMetrics);
  });
  afterAll(async () => {
    log.release('gauge');
    await app?.close();
    await db?.drop();
  });

  it('3 jobs done in root.fast, 1 retried then done, 1 failed: the snapshot and the Prometheus registry agree', async () => {
    expect(metrics.prometheus).toBe(true);
    const workload = [
      ...(await jobs.enqueueMany(observed, 'ok', [['a'], ['b'], ['c']], { channel: 'root.fast' })),
      await jobs.withDelay(observed).retryOnce('r'),
      await jobs.withDelay(observed).crash('x'),
    ];
    for (const job of workload) await waitForRow(db, job.uuid, inState('done', 'failed'));

    const stats = await metrics.snapshot();
    expect(stats.totals).toEqual({ enqueued: 5, started: 6, done: 4, retried: 1, failed: 1, cancelled: 0, rescued: 0 });
    const byFunction = new Map(stats.byJobFunction.map((s) => [`${s.channel} ${s.jobFunction}`, s]));
    expect([...byFunction.keys()]).toEqual([`root ${CRASH}`, `root ${RETRY_ONCE}`, `root.fast ${OK}`]);
    expect(byFunction.get(`root.fast ${OK}`)).toMatchObject({ enqueued: 3, started: 3, done: 3, retried: 0, failed: 0 });
    expect([byFunction.get(`root.fast ${OK}`)!.execTime.count, byFunction.get(`root.fast ${OK}`)!.waitTime.count]).toEqual([3, 3]);
    expect(byFunction.get(`root ${RETRY_ONCE}`)).toMatchObject({ enqueued: 1, started: 2, retried: 1, done: 1, failed: 0 });
    expect(byFunction.get(`root ${RETRY_ONCE}`)!.execTime.count).toBe(2);
    expect(byFunction.get(`root ${CRASH}`)).toMatchObject({ enqueued: 1, started: 1, done: 0, failed: 1 });
    const okTimes = byFunction.get(`root.fast ${OK}`)!;
    expect(okTimes.execTime.sum).toBeGreaterThan(0);
    expect(okTimes.execTime.max).toBeLessThanOrEqual(okTimes.execTime.sum);
    expect(okTimes.waitTime.max).toBeLessThan(10);
    expect(stats.channels).toEqual([]);
    expect(stats.runningHere).toBe(0);
    expect((await jobs.stats()).totals).toEqual(stats.totals);

    const prom = await samples(registry);
    expect(prom.get(`queue_job_enqueued_total${labels('root.fast', OK)}`)).toBe(3);
    expect(prom.get(`queue_job_started_total${labels('root', RETRY_ONCE)}`)).toBe(2);
    expect(prom.get(`queue_job_done_total${labels('root.fast', OK)}`)).toBe(3);
    expect(prom.get(`queue_job_done_total${labels('root', RETRY_ONCE)}`)).toBe(1);
    expect(prom.get(`queue_job_retried_total${labels('root', RETRY_ONCE)}`)).toBe(1);
    expect(prom.get(`queue_job_failed_total${labels('root', CRASH)}`)).toBe(1);
    expect(prom.get(`queue_job_failed_total${labels('root', RETRY_ONCE)}`)).toBeUndefined();
    expect(prom.get(`queue_job_execution_seconds_count${labels('root.fast', OK)}`)).toBe(3);
    expect(prom.get(`queue_job_execution_seconds_sum${labels('root.fast', OK)}`)).toBeCloseTo(okTimes.execTime.sum, 6);
    expect(prom.get(`queue_job_execution_seconds_count${labels('root', RETRY_ONCE)}`)).toBe(2);
    expect(prom.get(`queue_job_wait_seconds_count${labels('root.fast', OK)}`)).toBe(3);
    expect(prom.get(`queue_job_wait_seconds_bucket{le="+Inf",channel="root.fast",job_function="${OK}"}`)).toBe(3);
  });

  it('pending and running gauges per channel, read from the database (all instances)', async () => {
    const later = await jobs.enqueueMany(observed, 'ok', [['later 1'], ['later 2']], { eta: 3600 });
    const held = await jobs.withDelay(observed, { channel: 'root.fast' }).hold('gauge');
    await waitFor('the held job to run', () => log.attempts.get('gauge') === 1);

    const stats = await metrics.snapshot();
    expect(stats.channels).toEqual([{ channel: 'root', pending: 2, running: 0 }, { channel: 'root.fast', pending: 0, running: 1 }]);
    expect(stats.runningHere).toBe(1);
    const prom = await samples(registry);
    expect(prom.get('queue_job_pending{channel="root"}')).toBe(2);
    expect(prom.get('queue_job_running{channel="root.fast"}')).toBe(1);
    expect(prom.get('queue_job_running{channel="root"}')).toBe(0);

    log.release('gauge');
    await waitForRow(db, held.uuid, inState('done'));
    await jobs.cancel(later.map((j) => j.uuid));
    const after = await samples(registry);
    expect(after.get(`queue_job_cancelled_total${labels('root', OK)}`)).toBe(2);
    expect(after.has('queue_job_pending{channel="root"}')).toBe(false);
    expect(after.has('queue_job_running{channel="root.fast"}')).toBe(false);
    expect((await metrics.snapshot()).channels).toEqual([]);
  });

  it('the metrics leave the registry when the app closes', async () => {
    const own = new Registry();
    const other = await createTestApp({ url: db.url, runner: false, observability: { prometheus: { registry: own, prefix: 'shop_jobs_' } } });
    expect(own.getSingleMetric('shop_jobs_enqueued_total')).toBeDefined();
    expect(own.getSingleMetric('shop_jobs_pending')).toBeDefined();
    await other.close();
    expect(own.getMetricsAsArray()).toEqual([]);
  });
});

describe('metrics on prom-client\'s global registry (the default)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('two apps of one process share the metrics instead of failing on a duplicate name', async () => {
    const first = await createTestApp({ url: db.url, runner: false, providers: [ObservedService, { provide: ObservedLog, useValue: new ObservedLog() }] });
    const second = await createTestApp({ url: db.url, runner: false, providers: [ObservedService, { provide: ObservedLog, useValue: new ObservedLog() }] });
    await first.get(JobService).withDelay(first.get(ObservedService)).ok('one');
    await second.get(JobService).withDelay(second.get(ObservedService)).ok('two');
    const text = await globalRegister.getSingleMetricAsString('queue_job_enqueued_total');
    expect(text).toContain(`queue_job_enqueued_total${labels('root', OK)} 2`);
    await second.close();
    await first.close();
    expect(globalRegister.getSingleMetric('queue_job_enqueued_total')).toBeUndefined();
  });
});
