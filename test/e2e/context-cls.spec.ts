import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Headers, Injectable, Post, type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule, ClsService } from 'nestjs-cls';
import type { AddressInfo } from 'node:net';
import { clsContext } from '../../lib/context/cls/index.js';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import type { Job } from '../../lib/enqueue/job.js';
import { RetryableJobError } from '../../lib/errors/retryable-job.error.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { currentJob } from '../../lib/runner/job-context.js';
import { inState, jobRow, waitForRow } from '../support/job-rows.js';
import { createTestApp, testLogger } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const seen: Array<{ label: string; retry: number; userId: unknown; tenantId: unknown; secret: unknown }> = [];

@Injectable()
class ClsProbe {
  constructor(private readonly cls: ClsService) {}

  @Delayable({ maxRetries: 3 })
  async report(label: string): Promise<void> {
    seen.push({ label, retry: currentJob().retry, userId: this.cls.get('userId'), tenantId: this.cls.get('tenantId'), secret: this.cls.get('secret') });
    if (currentJob().retry === 1) throw new RetryableJobError('once more', { seconds: 1 });
  }
}

@Controller('cls')
class ClsController {
  constructor(private readonly probe: ClsProbe) {}

  @Post('report')
  async report(@Headers('x-label') label: string): Promise<{ uuid: string }> {
    return { uuid: ((await this.probe.report(label)) as unknown as Job).uuid };
  }
}

const context = clsContext({ keys: ['userId', 'tenantId'] });

describe('context propagation with nestjs-cls (nestjs-queue-job/cls)', () => {
  let db: TestDatabase;
  let web: INestApplication;
  let base: string;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, logging: false, retryAttempts: 0 }),
        ClsModule.forRoot({
          global: true,
          middleware: {
            mount: true,
            setup: (cls, req: { headers: Record<string, string> }) => {
              cls.set('userId', req.headers['x-user']);
              cls.set('tenantId', Number(req.headers['x-tenant']));
              cls.set('secret', 'not in the allow-list');
            },
          },
        }),
        QueueJobModule.forRoot({ runner: false, context }),
      ],
      controllers: [ClsController],
      providers: [ClsProbe],
    }).compile();
    web = moduleRef.createNestApplication();
    web.useLogger(testLogger());
    await web.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(web.getHttpServer().address() as AddressInfo).port}`;
    worker = await createTestApp({ url: db.url, context, imports: [ClsModule.forRoot({ global: true })], providers: [ClsProbe] });
  });
  afterAll(async () => {
    await web?.close();
    await worker?.close();
    await db?.drop();
  });

  it('captures the allow-listed CLS keys in the request and sets them in a new CLS context around each attempt', async () => {
    const response = await fetch(`${base}/cls/report`, { method: 'POST', headers: { 'x-user': 'alice', 'x-tenant': '7', 'x-label': 'c1' } });
    expect(response.status).toBe(201);
    const { uuid } = (await response.json()) as { uuid: string };
    const stored = await jobRow(db, uuid) as unknown as Record<string, unknown>;
    expect(stored.context).toEqual({ userId: 'alice', tenantId: 7 });
    expect(stored.user_id).toBe('alice');

    const row = await waitForRow(db, uuid, inState('done', 'failed'));
    expect(row.state).toBe('done');
    expect(seen).toEqual([
      { label: 'c1', retry: 1, userId: 'alice', tenantId: 7, secret: undefined },
      { label: 'c1', retry: 2, userId: 'alice', tenantId: 7, secret: undefined },
    ]);
  });

  it('refuses a clsContext without an allow-list', () => {
    expect(() => clsContext({} as never)).toThrow(/keys must list the CLS keys that travel with jobs/);
  });
});
