import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import type { Job } from '../../lib/enqueue/job.js';

describe('smoke', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  const log = new ExecutionLog();

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ url: db.url, channels: 'root:4', providers: [ShopService, { provide: ExecutionLog, useValue: log }] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('enqueues and runs a job', async () => {
    const job = (await app.get(ShopService).confirm(5, 'x')) as Job;
    expect(job.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const row = await waitFor('done', async () => {
      const r = await job.dbRecord();
      return r.state === 'done' ? r : null;
    });
    expect(row!.result).toEqual({ confirmed: 5, note: 'x' });
  });
});
