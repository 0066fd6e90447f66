import type { Job } from '../../lib/enqueue/job.js';
import { inState, waitForRow } from '../support/job-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { OrderService, ShopTrouble, startAdminApp, type AdminTestApp } from './admin-app.js';

/** The shop's admin with a runner whose confirmations take a minute (root.sale runs two at a time), and a read-only admin on the same database. */
export interface RunningShop {
  db: TestDatabase;
  shop: AdminTestApp;
  readOnly: AdminTestApp;
  /** Enqueues the confirmation of an order and waits until it is `started`: its uuid. */
  runningConfirmation(orderId: number): Promise<string>;
  close(): Promise<void>;
}

export async function startRunningShop(): Promise<RunningShop> {
  const db = await createTestDatabase();
  const shop = await startAdminApp({ databaseUrl: db.url, runner: { pollInterval: 500 } });
  shop.app.get(ShopTrouble).confirmMs = 60_000;
  const readOnly = await startAdminApp({ databaseUrl: db.url, runner: false, admin: { guard: () => true, readOnly: true } });
  return {
    db, shop, readOnly,
    async runningConfirmation(orderId) {
      const job = (await shop.app.get(OrderService).confirm(orderId, `customer${orderId}@example.com`)) as unknown as Job;
      await waitForRow(db, job.uuid, inState('started'));
      return job.uuid;
    },
    async close() {
      await readOnly.app.close();
      await shop.app.close();
      await db.drop();
    },
  };
}
