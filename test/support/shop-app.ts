import { afterAll, beforeAll } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobService } from '../../lib/enqueue/job.service.js';
import { ExecutionLog, ShopService } from '../fixtures/shop.service.js';
import { createTestApp, type TestAppOptions } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** The shop fixture app of one spec file, on its own fresh database; filled in by `beforeAll`. */
export interface ShopApp {
  db: TestDatabase;
  app: INestApplicationContext;
  shop: ShopService;
  jobs: JobService;
  /** What the fixture's job methods did. */
  log: ExecutionLog;
}

/**
 * Registers the `beforeAll` that creates a database and starts the shop app on it (ShopService with
 * its ExecutionLog, plus `options`), and the `afterAll` that closes both.
 */
export function useShopApp(options: Omit<TestAppOptions, 'url' | 'providers'>): ShopApp {
  const fixture = { log: new ExecutionLog() } as ShopApp;
  beforeAll(async () => {
    fixture.db = await createTestDatabase();
    fixture.app = await createTestApp({
      ...options, url: fixture.db.url, providers: [ShopService, { provide: ExecutionLog, useValue: fixture.log }],
    });
    fixture.shop = fixture.app.get(ShopService);
    fixture.jobs = fixture.app.get(JobService);
  });
  afterAll(async () => {
    await fixture.app?.close();
    await fixture.db?.drop();
  });
  return fixture;
}
