import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplicationContext, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres.mjs';
import { JobService } from '../../lib/enqueue/job.service.js';
import { QueueJobHealthIndicator } from '../../lib/observability/queue-job-health.indicator.js';
import { ObservedLog, ObservedService } from '../fixtures/observed.service.js';
import { createTestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

/** The health endpoint of an app, as the README shows it. */
@Controller('health')
class HealthController {
  constructor(private readonly health: HealthCheckService, private readonly queueJob: QueueJobHealthIndicator) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.queueJob.isHealthy('queue_job', { maxWaitSeconds: 600, timeoutMs: 2_000 })]);
  }
}

// This test stops PostgreSQL: it runs its own server, never the suite's.
describe('health indicator (@nestjs/terminus): up, then down when PostgreSQL is stopped', () => {
  const dir = `.tmp/health-pg-${process.pid}`;
  let server: { url: string; stop: () => Promise<void> } | undefined;
  let app: INestApplicationContext;
  let indicator: QueueJobHealthIndicator;
  let controller: HealthController;

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ dir, fresh: true });
    app = await createTestApp({
      url: server.url, channels: 'root:2,root.held:1:paused', imports: [TerminusModule], providers: [HealthController, ObservedService, { provide: ObservedLog, useValue: new ObservedLog() }],
    });
    indicator = app.get(QueueJobHealthIndicator);
    controller = app.get(HealthController);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await server?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('up: runner listening, database answering, no due job waiting', async () => {
    await waitFor('the runner to listen', async () => (await indicator.isHealthy()).queue_job.listening);
    expect((await indicator.isHealthy()).queue_job).toEqual({
      status: 'up', runner: 'running', listening: true, database: 'up', oldestDueWaitSeconds: null, deadJobRescues: 0, runningHere: 0,
    });
    const result = await controller.check();
    expect(result.status).toBe('ok');
    expect(result.info?.queue_job?.status).toBe('up');
  });

  it('reports the wait of the oldest due pending job, and is down past maxWaitSeconds', async () => {
    // A job due 30 s ago in a paused channel: nothing takes it.
    const jobs = app.get(JobService);
    const job = await jobs.withDelay(app.get(ObservedService), { channel: 'root.held', eta: 3600 }).ok('waiting');
    const client = new pg.Client({ connectionString: server!.url });
    await client.connect();
    await client.query(`UPDATE queue_job SET eta = now() - interval '30 seconds', date_created = now() - interval '40 seconds' WHERE uuid = $1`, [job.uuid]);
    await client.end();

    const reported = (await indicator.isHealthy()).queue_job;
    expect(reported.status).toBe('up'); // without a limit, the wait is only reported
    expect(reported.oldestDueWaitSeconds).toBeGreaterThanOrEqual(30);
    expect(reported.oldestDueWaitSeconds).toBeLessThan(40);
    const limited = (await indicator.isHealthy('backlog', { maxWaitSeconds: 10 })).backlog;
    expect(limited).toMatchObject({ status: 'down', message: expect.stringMatching(/^a due job has waited 3\d s \(more than 10 s\)$/) });
    await jobs.cancel(job.uuid);
    expect((await indicator.isHealthy('backlog', { maxWaitSeconds: 10 })).backlog).toMatchObject({ status: 'up', oldestDueWaitSeconds: null });
  });

  it('down when PostgreSQL stops: database down, LISTEN connection lost; terminus answers 503', async () => {
    await server!.stop();
    const health = await waitFor('the indicator to see it', async () => {
      const h = (await indicator.isHealthy('queue_job', { timeoutMs: 2_000 })).queue_job;
      return !h.listening ? h : null;
    }, 20_000, 100);
    expect(health).toMatchObject({ status: 'down', runner: 'running', listening: false, database: 'down', oldestDueWaitSeconds: null });
    expect(health.message).toMatch(/the job runner has lost its LISTEN connection \(reconnecting\); the database does not answer: /);
    const error = await controller.check().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    const body = (error as ServiceUnavailableException).getResponse() as HealthCheckResult;
    expect(body.status).toBe('error');
    expect(body.error?.queue_job).toMatchObject({ status: 'down', database: 'down', listening: false });
  }, 60_000);
});
