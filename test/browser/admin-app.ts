import 'reflect-metadata';
import { Injectable, Module, type INestApplication, type LoggerService, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import { Delayable } from '../../lib/decorators/delayable.decorator.js';
import type { QueueJobAdminOptions } from '../../lib/admin/admin.options.js';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import type { QueueJobModuleOptions } from '../../lib/queue-job.options.js';
import { ShopOrder } from '../fixtures/shop-order.entity.js';
import { testLogger } from '../support/test-app.js';

/** The user a test guard lets in: its name comes from this header. */
export const USER_HEADER = 'x-queue-job-user';

/** A guard function as an app would write one: the header names the user; without it, 403. */
export function headerGuard(request: { headers: Record<string, string | undefined>; queueJobUser?: string }): boolean {
  const user = request.headers[USER_HEADER];
  if (!user) return false;
  request.queueJobUser = user;
  return true;
}

/** Why an invoice mail fails: a mailbox that does not exist. */
export class MailboxNotFound extends Error {}

/** A payment provider's refusal. */
export class PaymentDeclined extends Error {}

/** Which orders misbehave; tests change it while the app runs (e.g. fix an order, then requeue its job). */
export class ShopTrouble {
  readonly declined = new Set<number>();
  readonly noMailbox = new Set<number>();
  /** How long a confirmation and an invoice mail take. */
  confirmMs = 5;
  mailMs = 5;
}

/** The jobs of a small shop: what the admin's tests and screenshots show. */
@Injectable()
export class OrderService {
  constructor(private readonly trouble: ShopTrouble) {}

  @Delayable({ channel: 'root.sale', description: "Confirm the order and charge the customer's card" })
  async confirm(orderId: number, customer: string): Promise<unknown> {
    await pause(this.trouble.confirmMs);
    if (this.trouble.declined.has(orderId)) throw new PaymentDeclined(`Card of ${customer} declined for order ${orderId}`);
    return { order: orderId, confirmed: true };
  }

  @Delayable({ channel: 'root.sale', description: 'Ship the order' })
  async ship(order: ShopOrder): Promise<unknown> {
    return { shipped: order.id };
  }
}

@Injectable()
export class InvoiceMailer {
  constructor(private readonly trouble: ShopTrouble) {}

  @Delayable({ channel: 'root.mail', retryPattern: { 1: 60, 3: 300 }, description: 'Mail the invoice of an order' })
  async send(orderId: number, to: string): Promise<unknown> {
    await pause(this.trouble.mailMs);
    if (this.trouble.noMailbox.has(orderId)) throw new MailboxNotFound(`No mailbox ${to} (order ${orderId})`);
    return `Invoice of order ${orderId} sent to ${to}`;
  }
}

@Injectable()
export class ReportService {
  @Delayable({ channel: 'root.report', description: 'Collect one region of the monthly sales report' })
  async collect(part: string): Promise<unknown> {
    return { part, rows: part.length * 100 };
  }

  @Delayable({ channel: 'root.report', description: 'Merge the regions into the monthly report' })
  async merge(month: string): Promise<unknown> {
    return { month, merged: true };
  }

  @Delayable({ channel: 'root.report', description: 'Publish the monthly report' })
  async publish(month: string): Promise<unknown> {
    return `Report ${month} published`;
  }
}

@Module({
  imports: [QueueJobModule.forFeature({ channels: [{ name: 'sale', parent: 'root', removalInterval: 60 }, { name: 'mail' }, { name: 'report' }] })],
  providers: [ShopTrouble, OrderService, InvoiceMailer, ReportService],
  exports: [ShopTrouble, OrderService, InvoiceMailer, ReportService],
})
export class ShopModule {}

export const SHOP_CHANNELS = 'root:4,root.sale:2,root.mail:1:throttle=1,root.report:1:sequential:maxPending=500';

export interface AdminTestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The admin's URL. */
  url: string;
}

export interface AdminTestAppOptions extends Omit<QueueJobModuleOptions, 'admin'> {
  databaseUrl: string;
  /** Default: mounted at /queue-job with `headerGuard`. */
  admin?: QueueJobAdminOptions | boolean;
  imports?: ModuleMetadata['imports'];
  logger?: LoggerService;
  /** The app's `setGlobalPrefix`, if any. */
  globalPrefix?: string;
}

/** The shop with QueueJobModule and its admin, listening on a free port. */
export async function startAdminApp(options: AdminTestAppOptions): Promise<AdminTestApp> {
  const { databaseUrl, admin = { guard: headerGuard }, imports = [ShopModule], logger, globalPrefix, ...queueJob } = options;
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: databaseUrl, entities: [ShopOrder], synchronize: true, logging: false, retryAttempts: 0 }),
      QueueJobModule.forRoot({ channels: SHOP_CHANNELS, ...queueJob, admin }),
      ...imports,
    ],
  }).compile();
  const app = moduleRef.createNestApplication();
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  return listen(app, admin, logger);
}

/** Starts `app` on a free port of 127.0.0.1. */
export async function listen(app: INestApplication, admin: QueueJobAdminOptions | boolean | undefined, logger?: LoggerService): Promise<AdminTestApp> {
  app.useLogger(logger ?? testLogger());
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const path = typeof admin === 'object' && admin.path ? `/${admin.path.replace(/^\/+|\/+$/g, '')}` : '/queue-job';
  return { app, origin, url: `${origin}${path}` };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
