import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import { headerGuard, listen, SHOP_CHANNELS, ShopModule, startAdminApp, type AdminTestApp } from '../browser/admin-app.js';
import { ShopOrder } from '../fixtures/shop-order.entity.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** A route of the app itself, which keeps Nest's startup lines. */
@Controller('orders')
class OrdersController {
  @Get(':id')
  find(): string {
    return 'an order';
  }
}

@Module({ controllers: [OrdersController] })
class OrdersApiModule {}

/** What the app logged at startup with Nest's own contexts, and ours. */
function startupLines(logger: CaptureLogger) {
  const lines = logger.entries.filter((entry) => entry.level === 'log');
  return {
    admin: lines.filter((entry) => entry.message.startsWith('Job Queue admin')),
    adminRoutes: lines.filter((entry) => (entry.context === 'RouterExplorer' && entry.message.includes('/queue-job'))
      || (entry.context === 'RoutesResolver' && /^Admin\w*Controller /.test(entry.message))),
    all: lines,
  };
}

describe('Job Queue admin: one startup line for its routes', () => {
  let db: TestDatabase;
  let shop: AdminTestApp | undefined;

  beforeAll(async () => { db = await createTestDatabase(); });
  afterAll(async () => {
    await shop?.app.close();
    await db.drop();
  });

  it("logs one line for the admin's routes, and Nest's lines for the app's own", async () => {
    const logger = new CaptureLogger();
    shop = await startAdminApp({ databaseUrl: db.url, runner: false, logger, imports: [ShopModule, OrdersApiModule] });
    const lines = startupLines(logger);
    expect(lines.admin).toEqual([{ level: 'log', message: 'Job Queue admin: 23 routes under /queue-job (pages and REST API)', context: 'QueueJob' }]);
    expect(lines.adminRoutes).toEqual([]);
    expect(lines.all).toContainEqual({ level: 'log', message: 'OrdersController {/orders}:', context: 'RoutesResolver' });
    expect(lines.all).toContainEqual({ level: 'log', message: 'Mapped {/orders/:id, GET} route', context: 'RouterExplorer' });
    expect((await fetch(`${shop.url}/api/info`, { headers: { 'x-queue-job-user': 'alice' } })).status).toBe(200); // the routes are there
    new Logger('RoutesResolver').log('AdminApiController {/later}:');
    expect(logger.messages('log')).toContain('AdminApiController {/later}:'); // the filter is off once the app has started
    await shop.app.close();
    shop = undefined;
  });

  it('holds with bufferLogs (lines written once the app has started) and a global prefix', async () => {
    @Module({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, entities: [ShopOrder], synchronize: true, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRoot({ channels: SHOP_CHANNELS, runner: false, admin: { guard: headerGuard, path: 'ops/jobs' } }),
        ShopModule, OrdersApiModule,
      ],
    })
    class BufferedApp {}
    const app = await NestFactory.create(BufferedApp, { bufferLogs: true });
    app.setGlobalPrefix('api');
    const logger = new CaptureLogger();
    shop = await listen(app, { path: 'ops/jobs' }, logger);
    const lines = startupLines(logger);
    expect(lines.admin).toEqual([{ level: 'log', message: 'Job Queue admin: 23 routes under /api/ops/jobs (pages and REST API)', context: 'QueueJob' }]);
    expect(lines.all.filter((entry) => entry.message.includes('/ops/jobs') && entry.context !== 'QueueJob')).toEqual([]);
    expect(lines.all).toContainEqual({ level: 'log', message: 'Mapped {/api/orders/:id, GET} route', context: 'RouterExplorer' });
  });
});
