import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobService } from '../../lib/enqueue/job.service.js';
import { EventEmitterBridge } from '../../lib/observability/event-emitter-bridge.js';
import type { ObservabilityOptions } from '../../lib/observability/observability.options.js';
import { OptionalPeers, type OptionalPeer } from '../../lib/observability/optional-peers.js';
import { QueueJobHealthIndicator } from '../../lib/observability/queue-job-health.indicator.js';
import { QueueJobMetrics } from '../../lib/observability/queue-job-metrics.js';
import { QueueJobTracing } from '../../lib/observability/queue-job-tracing.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { ObservedLog, ObservedService } from '../fixtures/observed.service.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { inState, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** An app whose OptionalPeers answer as if the packages were not installed; `asked` lists what it was asked for. */
async function appWithoutPeers(url: string, observability: ObservabilityOptions, logger: CaptureLogger, asked: OptionalPeer[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url, logging: false, retryAttempts: 0 }),
      QueueJobModule.forRoot({ channels: 'root:2', observability }),
      EventEmitterModule.forRoot(),
    ],
    providers: [ObservedService, { provide: ObservedLog, useValue: new ObservedLog() }],
  })
    .overrideProvider(OptionalPeers)
    .useValue({ load: async (name: OptionalPeer) => void asked.push(name) })
    .compile();
  const app = moduleRef.createNestApplication();
  app.useLogger(logger);
  await app.init();
  return app;
}

describe('observability without its optional packages, or turned off', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('@opentelemetry/api installed but no SDK registered: spans are no-ops and nothing is stored', async () => {
    const app = await createTestApp({ url: db.url, channels: 'root:2', providers: [ObservedService, { provide: ObservedLog, useValue: new ObservedLog() }] });
    try {
      expect(app.get(QueueJobTracing).active).toBe(true);
      const job = await app.get(JobService).withDelay(app.get(ObservedService)).retryOnce('no sdk');
      const row = await waitForRow(db, job.uuid, inState('done', 'failed'));
      expect(row.state).toBe('done');
      expect((row as unknown as { trace_context: unknown }).trace_context).toBeNull();
    } finally {
      await app.close();
    }
  });

  it('packages missing: jobs run, the snapshot and the health indicator work; asked-for integrations warn', async () => {
    const logger = new CaptureLogger();
    const asked: OptionalPeer[] = [];
    const app = await appWithoutPeers(db.url, { tracing: true, prometheus: { prefix: 'app_jobs_' }, eventEmitter: true }, logger, asked);
    try {
      expect(asked.sort()).toEqual(['@nestjs/event-emitter', '@opentelemetry/api', 'prom-client']);
      const warnings = logger.messages('warn').filter((m) => m.includes('"observability.'));
      expect(warnings.sort()).toEqual([
        'QueueJobModule option "observability.eventEmitter" asks for @nestjs/event-emitter, which is not installed: run `npm install @nestjs/event-emitter`, or remove the option (integrations are on by default when their package is installed).',
        'QueueJobModule option "observability.prometheus" asks for prom-client, which is not installed: run `npm install prom-client`, or remove the option (integrations are on by default when their package is installed).',
        'QueueJobModule option "observability.tracing" asks for @opentelemetry/api, which is not installed: run `npm install @opentelemetry/api`, or remove the option (integrations are on by default when their package is installed).',
      ]);
      expect([app.get(QueueJobTracing).active, app.get(QueueJobMetrics).prometheus, app.get(EventEmitterBridge).active]).toEqual([false, false, false]);

      const job = await app.get(JobService).withDelay(app.get(ObservedService)).crash('no peers');
      const row = await waitForRow(db, job.uuid, inState('failed'));
      expect((row as unknown as { trace_context: unknown }).trace_context).toBeNull();
      expect((await app.get(JobService).stats()).totals).toMatchObject({ enqueued: 1, started: 1, failed: 1 });
      expect((await app.get(QueueJobHealthIndicator).isHealthy()).queue_job.status).toBe('up');
    } finally {
      await app.close();
    }
  });

  it('turned off: the packages are not even loaded, and nobody warns', async () => {
    const logger = new CaptureLogger();
    const asked: OptionalPeer[] = [];
    const app = await appWithoutPeers(db.url, { tracing: false, prometheus: false, eventEmitter: false }, logger, asked);
    try {
      expect(asked).toEqual([]);
      expect(logger.messages('warn')).toEqual([]);
      const job = await app.get(JobService).withDelay(app.get(ObservedService)).ok('off');
      await waitForRow(db, job.uuid, inState('done'));
      expect((await app.get(JobService).stats()).totals.done).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('eventEmitter: true without EventEmitterModule in the app: says what to import', async () => {
    const logger = new CaptureLogger();
    const app = await createTestApp({ url: db.url, runner: false, logger, observability: { eventEmitter: true } });
    try {
      expect(app.get(EventEmitterBridge).active).toBe(false);
      expect(logger.messages('warn')).toContain(
        'QueueJobModule option "observability.eventEmitter" is true but the app has no EventEmitter2: import EventEmitterModule.forRoot() from @nestjs/event-emitter.');
    } finally {
      await app.close();
    }
  });

  it('installed by default but missing: silently off', async () => {
    const logger = new CaptureLogger();
    const asked: OptionalPeer[] = [];
    const app = await appWithoutPeers(db.url, {}, logger, asked);
    try {
      expect(asked.sort()).toEqual(['@nestjs/event-emitter', '@opentelemetry/api', 'prom-client']);
      expect(logger.messages('warn')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
