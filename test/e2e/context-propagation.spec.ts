import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import { asyncLocalStorageContext } from '../../lib/context/async-local-storage.context.js';
import type { Job } from '../../lib/enqueue/job.js';
import { JobContextError } from '../../lib/errors/job-context.error.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import {
  ContextController, ContextLog, ContextProbe, RequestContextMiddleware, requestContext,
} from '../fixtures/context-probe.js';
import { countJobs, inState, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp, testLogger } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

const context = asyncLocalStorageContext(requestContext, { keys: ['userId', 'tenant', 'since'] });

/** The web instance: serves HTTP, enqueues, runs no job (`runner: false`). */
async function startWebApp(url: string, log: ContextLog): Promise<{ app: INestApplication; base: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url, logging: false, retryAttempts: 0 }),
      QueueJobModule.forRoot({ runner: false, context }),
    ],
    controllers: [ContextController],
    providers: [ContextProbe, { provide: ContextLog, useValue: log }],
  }).compile();
  const app = moduleRef.createNestApplication();
  app.useLogger(testLogger());
  const middleware = new RequestContextMiddleware();
  app.use(middleware.use.bind(middleware));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, base: `http://127.0.0.1:${port}` };
}

async function post<T>(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: T }> {
  const response = await fetch(base + path, { method: 'POST', headers });
  return { status: response.status, body: (await response.json()) as T };
}

describe('context propagation: captured in an HTTP request, restored in the job run by another instance', () => {
  let db: TestDatabase;
  let web: { app: INestApplication; base: string };
  let worker: INestApplicationContext;
  const webLog = new ContextLog();
  const workerLog = new ContextLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    web = await startWebApp(db.url, webLog);
    worker = await createTestApp({ url: db.url, channels: 'root:4', context, providers: [ContextProbe, { provide: ContextLog, useValue: workerLog }] });
  });
  afterAll(async () => {
    await web?.app.close();
    await worker?.close();
    await db?.drop();
  });

  it('stores the context and user_id with the job; the job sees the same context on every attempt', async () => {
    const { status, body } = await post<{ uuid: string }>(web.base, '/ctx/audit', { 'x-user': 'alice', 'x-tenant': 'acme', 'x-label': 'r1' });
    expect(status).toBe(201);

    const stored = await jobRow(db, body.uuid) as unknown as Record<string, unknown>;
    expect(stored.context).toEqual({ userId: 'alice', tenant: 'acme' });
    expect(stored.user_id).toBe('alice');

    const row = await waitForRow(db, body.uuid, inState('done', 'failed'));
    expect(row.state).toBe('done');
    expect(row.retry).toBe(2);
    expect(row.result).toBe('audited r1 for alice');
    const attempts = workerLog.of('audited', 'r1');
    expect(attempts.map((a) => a.retry)).toEqual([1, 2]);
    for (const attempt of attempts) expect(attempt.store).toEqual({ userId: 'alice', tenant: 'acme' });
    expect(webLog.seen).toEqual([]); // the web instance ran nothing
  });

  it('a job enqueued by a running job carries its context', async () => {
    const { body } = await post<{ uuid: string }>(web.base, '/ctx/parent', { 'x-user': 'bob', 'x-tenant': 'globex', 'x-label': 'p1' });
    const parent = await waitForRow(db, body.uuid);
    expect(parent.state).toBe('done');
    const childUuid = parent.result as string;
    await waitForRow(db, childUuid);
    const child = await jobRow(db, childUuid) as unknown as Record<string, unknown>;
    expect(child.state).toBe('done');
    expect(child.context).toEqual({ userId: 'bob', tenant: 'globex' });
    expect(child.user_id).toBe('bob');
    expect(workerLog.of('child', 'p1').map((s) => s.store)).toEqual([{ userId: 'bob', tenant: 'globex' }]);
  });

  it('every job of a graph enqueued in a request carries its context, the child runs in it', async () => {
    const { body } = await post<{ uuids: string[] }>(web.base, '/ctx/graph', { 'x-user': 'carol', 'x-label': 'g1' });
    const [collect, publish] = body.uuids;
    await waitForRow(db, publish!);
    for (const uuid of [collect!, publish!]) {
      const row = await jobRow(db, uuid) as unknown as Record<string, unknown>;
      expect(row.state).toBe('done');
      expect(row.context).toEqual({ userId: 'carol' });
      expect(row.user_id).toBe('carol');
    }
    expect(workerLog.of('step', 'g1:publish').map((s) => s.store)).toEqual([{ userId: 'carol' }]);
  });

  it('a job enqueued outside any context stores none and runs in an empty one, not in whatever the runner carried', async () => {
    const job = (await worker.get(ContextProbe).step('bare')) as unknown as Job;
    const row = await jobRow(db, job.uuid) as unknown as Record<string, unknown>;
    expect(row.context).toBeNull();
    expect(row.user_id).toBeNull();
    await waitForRow(db, job.uuid);
    expect(workerLog.of('step', 'bare').map((s) => s.store)).toEqual([{}]);
  });

  it('refuses a context value that is not JSON, naming it, and stores nothing', async () => {
    const before = await countJobs(db);
    const probe = web.app.get(ContextProbe);
    const error = await requestContext.run({ userId: 'dave', since: new Date(0) }, () => probe.audited('bad')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobContextError);
    expect((error as JobContextError).path).toBe('context.since');
    expect((error as Error).message).toBe(
      'Cannot enqueue <ContextProbe>.audited: its context value context.since is a Date; capture date.toISOString() instead. Nothing was stored.');

    const { status } = await post(web.base, '/ctx/audit', { 'x-user': 'dave', 'x-bad': 'date', 'x-label': 'bad-http' });
    expect(status).toBe(500);
    expect(await countJobs(db)).toBe(before);
  });
});

describe('context propagation in no-delay mode', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, noDelay: true, context, providers: [ContextProbe, { provide: ContextLog, useValue: new ContextLog() }] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('runs the call in the caller\'s context as it is (the same store object), and still refuses what is not JSON', async () => {
    const probe = app.get(ContextProbe);
    const store = { userId: 'erin', tenant: 'initech' };
    expect(await requestContext.run(store, () => probe.whoAmI())).toBe(store);
    await expect(requestContext.run({ userId: 'erin', since: new Date(0) }, () => probe.whoAmI())).rejects.toThrow(JobContextError);
    await waitFor('no job stored', async () => (await countJobs(db)) === 0);
  });
});
