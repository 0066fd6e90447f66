import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentJob, Delayable, JobService, NothingToDoJob, RetryableJobError } from '../lib/index.js';
import { Order } from './order.entity.js';
import { currentUser } from './request-context.js';

export const SALE_CHANNEL = 'root.sale';
export const MAIL_CHANNEL = 'root.mail';

/**
 * What goes wrong when mailing the invoice of an order, decided by its id so that runs are
 * reproducible: 1 order in 50 has no mailbox (the job fails for good), 1 in 7 finds the mail server
 * busy on the first attempt (the job is retried a second later).
 */
export function invoiceTrouble(orderId: number): 'no-mailbox' | 'busy-once' | null {
  if (orderId % 50 === 0) return 'no-mailbox';
  if (orderId % 7 === 0) return 'busy-once';
  return null;
}

@Injectable()
export class OrderService {
  constructor(private readonly jobs: JobService) {}

  /**
   * Confirms a draft order, then enqueues its invoice. Both writes go through the job's own
   * transaction: they commit together with the job's `done`, or not at all.
   */
  @Delayable({ channel: SALE_CHANNEL })
  async confirm(order: Order): Promise<{ order: number; invoiceJob: string }> {
    if (order.state !== 'draft') throw new NothingToDoJob(`Order ${order.id} is already ${order.state}`);
    await sleep(2 + (order.id % 5)); // checking stock, pricing...
    const manager = await currentJob().manager();
    await manager.update(Order, order.id, { state: 'confirmed', confirmedAt: new Date(), confirmedBy: currentUser() });
    // Enqueued in the job's transaction too.
    const invoice = await this.jobs.withDelay(this, { manager }).sendInvoice(order);
    // The return value is stored in the job's `result`.
    return { order: order.id, invoiceJob: invoice.uuid };
  }

  /** Mails the invoice of a confirmed order. Retries: 1 s after the 1st and 2nd attempts, then 2 s. */
  @Delayable({ channel: MAIL_CHANNEL, retryPattern: { 1: 1, 3: 2 } })
  async sendInvoice(order: Order): Promise<string> {
    const trouble = invoiceTrouble(order.id);
    if (trouble === 'no-mailbox') throw new Error(`No mailbox for ${order.customer} (order ${order.id})`);
    if (trouble === 'busy-once' && currentJob().retry === 1) throw new RetryableJobError('Mail server busy');
    await sleep(3 + (order.id % 4)); // talking to the mail server...
    const manager = await currentJob().manager();
    await manager.update(Order, order.id, { state: 'invoiced', invoicedAt: new Date(), invoicedBy: currentUser() });
    return `Invoice of order ${order.id} sent to ${order.customer}`;
  }
}
