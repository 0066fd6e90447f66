import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobService } from '../../lib/enqueue/job.service.js';
import type { Job } from '../../lib/enqueue/job.js';
import type { JobEvent } from '../../lib/hooks/job-event.js';
import { QueueJobHooks } from '../../lib/hooks/queue-job-hooks.js';
import { EventEmitterBridge } from '../../lib/observability/event-emitter-bridge.js';
import { OnJobFailure } from '../../lib/observability/on-job-failure.decorator.js';
import { QueueJobMetrics } from '../../lib/observability/queue-job-metrics.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { FailureInbox, ObservedLog, ObservedService } from '../fixtures/observed.service.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { inState, waitForRow } from '../support/job-rows.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { sleep, waitFor } from '../support/wait-for.js';

/** Receives the lifecycle events through @nestjs/event-emitter, as an app would. */
@Injectable()
class EventInbox {
  readonly events: JobEvent[] = [];

  @OnEvent('job.*')
  onJobEvent(event: JobEvent): void {
    this.events.push(event);
  }
}

const namesFor = (events: JobEvent[], uuid: string) => events.filter((e) => e.uuid === uuid).map((e) => e.name);

describe('lifecycle events, failure handlers and transition logs', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let observed: ObservedService;
  let jobs: JobService;
  const log = new ObservedLog();
  const logger = new CaptureLogger();
  const subscribed: JobEvent[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({
      url: db.url, channels: 'root:4', logger,
      imports: [EventEmitterModule.forRoot({ wildcard: true })],
      providers: [
        ObservedService, FailureInbox, EventInbox, { provide: ObservedLog, useValue: log },
        // Aliases (useExisting) list the same instances again among the providers: handlers must still run once.
        { provide: 'OBSERVED_ALIAS', useExisting: ObservedService }, { provide: 'FAILURE_INBOX_ALIAS', useExisting: FailureInbox },
      ],
    });
    app.get(QueueJobHooks).on((event) => subscribed.push(event));
    observed = app.get(ObservedService);
    jobs = app.get(JobService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a job that retries then succeeds: enqueued, started, retrying, started, done — on QueueJobHooks and on EventEmitter2', async () => {
    expect(app.get(EventEmitterBridge).active).toBe(true);
    const job = await jobs.withDelay(observed).retryOnce('order');
    await waitForRow(db, job.uuid, inState('done'));
    const expected = ['job.enqueued', 'job.started', 'job.retrying', 'job.started', 'job.done'];
    await waitFor('the done event', () => namesFor(subscribed, job.uuid).length === 5);
    expect(namesFor(subscribed, job.uuid)).toEqual(expected);
    expect(namesFor(app.get(EventInbox).events, job.uuid)).toEqual(expected);

    const [enqueued, started, retrying, restarted, done] = subscribed.filter((e) => e.uuid === job.uuid);
    const common = { uuid: job.uuid, jobFunction: '<ObservedService>.retryOnce', channel: 'root', maxRetries: 3 };
    expect(enqueued).toMatchObject({ ...common, retry: 0 });
    expect(started).toMatchObject({ ...common, retry: 1, waitSeconds: expect.any(Number) });
    expect(retrying).toMatchObject({ ...common, retry: 1, excMessage: 'not yet: order', retryEta: expect.any(Date), execTime: expect.any(Number) });
    expect(restarted).toMatchObject({ ...common, retry: 2 });
    expect(done).toMatchObject({ ...common, retry: 2, result: 'done order', execTime: expect.any(Number) });
  });

  it('a running job\'s job.started arrives while it runs: the runner delivers its events off the claim path, but at once when no claim comes', async () => {
    const job = await jobs.withDelay(observed).hold('long');
    await waitFor('the job to run', () => log.attempts.get('long') === 1);
    // Nothing else happens until the job is released: no claim to deliver it with, and the poll is 5 s away.
    await waitFor('the started event', () => namesFor(subscribed, job.uuid).includes('job.started'), 1_000);
    expect(namesFor(subscribed, job.uuid)).toEqual(['job.enqueued', 'job.started']);
    log.release('long');
    await waitFor('the done event', () => namesFor(subscribed, job.uuid).length === 3);
    expect(namesFor(subscribed, job.uuid)).toEqual(['job.enqueued', 'job.started', 'job.done']);
    expect(subscribed.find((e) => e.uuid === job.uuid && e.name === 'job.done')).toMatchObject({ result: 'held long' });
  });

  it('@OnJobFailure: called once when a job fails for good, never for its retries nor for jobs that succeed', async () => {
    const crashed = (await observed.crash('c1')) as unknown as Job;
    const exhausted = await jobs.withDelay(observed).neverReady('n1');
    const fine = [await jobs.withDelay(observed).retryOnce('fine'), await jobs.withDelay(observed).ok('fine')];
    for (const job of [crashed, exhausted, ...fine]) await waitForRow(db, job.uuid, inState('done', 'failed'));
    expect(log.attempts.get('n1')).toBe(2);
    await waitFor('both inbox notifications', () => log.failuresOf('inbox').length >= 2);
    await sleep(300); // nothing else arrives

    const followers = log.failuresOf('notifyFollowers');
    expect(followers.map((e) => e.uuid).sort()).toEqual([crashed.uuid, exhausted.uuid].sort());
    expect(followers.find((e) => e.uuid === crashed.uuid)).toMatchObject({
      name: 'job.failed', jobFunction: '<ObservedService>.crash', excName: 'TypeError', excMessage: 'boom c1', retry: 1,
    });
    expect(followers.find((e) => e.uuid === exhausted.uuid)).toMatchObject({
      name: 'job.failed', excName: 'FailedJobError', excMessage: 'Max. retries (2) reached: never ready: n1', retry: 2,
    });
    // The catch-all handler (`@OnJobFailure()` on another provider) got the same two, once each.
    expect(log.failuresOf('inbox').map((e) => e.uuid).sort()).toEqual([crashed.uuid, exhausted.uuid].sort());
    // Retries were events, not failures.
    expect(namesFor(subscribed, exhausted.uuid)).toEqual(['job.enqueued', 'job.started', 'job.retrying', 'job.started', 'job.failed']);
  });

  it('@OnJobFailure: called once for a job found dead (its executor stopped on the last attempt)', async () => {
    const ghost = await jobs.withDelay(observed, { eta: 3600, maxRetries: 2 }).ok('ghost');
    // As a dead executor leaves it: started on its last attempt, by a worker that holds no lock, lease expired.
    await db.pool.query(`
      UPDATE queue_job SET state = 'started', retry = 2, worker_id = 'gone-host:1:dead', lease_token = gen_random_uuid(),
             lease_expires_at = now() - interval '1 second', date_enqueued = now(), date_started = now()
      WHERE uuid = $1`, [ghost.uuid]);
    const row = await waitForRow(db, ghost.uuid, inState('failed'));
    expect(row.exc_name).toBe('JobFoundDead');
    const [event] = await waitFor('the inbox notification', () => {
      const found = log.failuresOf('inbox').filter((e) => e.uuid === ghost.uuid);
      return found.length > 0 ? found : null;
    });
    expect(event).toMatchObject({ name: 'job.failed', reason: 'dead-executor', excName: 'JobFoundDead', jobFunction: '<ObservedService>.ok', retry: 2 });
    await sleep(1_500); // a rescue pass runs every second: it must not report the job again
    expect(log.failuresOf('inbox').filter((e) => e.uuid === ghost.uuid)).toHaveLength(1);
    expect(log.failuresOf('notifyFollowers').filter((e) => e.uuid === ghost.uuid)).toHaveLength(0); // not one of its job functions
    expect(app.get(QueueJobMetrics).deadJobRescues).toBe(1);
  });

  it('logs one debug line per transition and failures at error with uuid and job function; never the arguments', async () => {
    const job = await jobs.withDelay(observed).retryOnce('s3cr3t-token');
    const crashed = await jobs.withDelay(observed).crash('s3cr3t-card');
    await waitForRow(db, job.uuid, inState('done'));
    await waitForRow(db, crashed.uuid, inState('failed'));
    await waitFor('the done line', () => logger.messages('debug').some((m) => m.includes(`${job.uuid} <ObservedService>.retryOnce done`)));
    const lines = logger.entries.filter((e) => e.message.includes(job.uuid));
    expect(lines.map((e) => [e.level, e.context, e.message.replace(/[\d.]+ s\b/g, 'N s').replace(/at \S+Z/, 'at ETA')])).toEqual([
      ['debug', 'QueueJob', `Job ${job.uuid} <ObservedService>.retryOnce enqueued in root`],
      ['debug', 'QueueJob', `Job ${job.uuid} <ObservedService>.retryOnce started in root (attempt 1/3, waited N s)`],
      ['debug', 'QueueJob', `Job ${job.uuid} <ObservedService>.retryOnce retrying at ETA after attempt 1/3 in N s: not yet: s3cr3t-token`],
      ['debug', 'QueueJob', `Job ${job.uuid} <ObservedService>.retryOnce started in root (attempt 2/3, waited N s)`],
      ['debug', 'QueueJob', `Job ${job.uuid} <ObservedService>.retryOnce done in N s`],
    ]);
    await waitFor('the failure line', () => logger.messages('error').some((m) => m.includes(crashed.uuid)));
    expect(logger.entries.filter((e) => e.level === 'error' && e.message.includes(crashed.uuid)).map((e) => [e.context, e.message])).toEqual([
      ['QueueJob', `Job ${crashed.uuid} <ObservedService>.crash failed (attempt 1/5): TypeError: boom s3cr3t-card`],
    ]);
    // Arguments never reach the logs at info level or above (the exception message is the job's own text).
    const loud = logger.entries.filter((e) => ['log', 'warn'].includes(e.level));
    expect(loud.filter((e) => e.message.includes('s3cr3t'))).toEqual([]);
  });

  it('cancellations and manual set done are transitions too', async () => {
    const [a, b] = await jobs.enqueueMany(observed, 'ok', [['later a'], ['later b']], { eta: 3600 });
    await jobs.cancel(a!.uuid, { by: 'alice' });
    await jobs.setDone(b!.uuid, { by: 'bob' });
    expect(subscribed.filter((e) => [a!.uuid, b!.uuid].includes(e.uuid)).map((e) => [e.name, e.by ?? null])).toEqual([
      ['job.enqueued', null], ['job.enqueued', null], ['job.cancelled', 'alice'], ['job.done', 'bob'],
    ]);
    expect(logger.messages('debug')).toEqual(expect.arrayContaining([
      `Job ${a!.uuid} <ObservedService>.ok cancelled by alice`, `Job ${b!.uuid} <ObservedService>.ok set done by bob`,
    ]));
  });
});

@Injectable()
class Misnamed {
  @OnJobFailure('<ObservedServce>.crash')
  notify(): void {}
}

describe('@OnJobFailure naming a job function that does not exist', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('stops the app at startup with the name, the handler and the known job functions', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }), QueueJobModule.forRoot({})],
      providers: [ObservedService, Misnamed, { provide: ObservedLog, useValue: new ObservedLog() }],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(
      /^@OnJobFailure\('<ObservedServce>\.crash'\) on Misnamed\.notify names no @Delayable\(\) job function of this app; known job functions: <ObservedService>\.crash, /,
    );
    await app.close();
  });
});
