// Type fixture, compiled (never run) by types.spec.ts: the lines that must compile are plain, the
// ones that must not carry `// @ts-expect-error <part of the error TypeScript gives>`. An unused
// directive is itself an error, so each expectation is checked in both directions.
import { Injectable } from '@nestjs/common';
import {
  Delayable, DelayableCron, DelayableNode, Job, JobService, OnJobFailure, RelatedAction,
  type JobEvent, type QueueJob, type RelatedActionResult,
} from '../../lib/index.js';

@Injectable()
export class Mailer {
  readonly sender = 'shop@example.com';

  constructor(private readonly jobs: JobService) {}

  @Delayable()
  async send(orderId: number, to: string): Promise<string> {
    return `order ${orderId} mailed to ${to}`;
  }

  // @ts-expect-error is not assignable to parameter of type 'TypedPropertyDescriptor<DelayableMethodReturningPromise>'.
  @Delayable()
  count(orderId: number): number {
    return orderId;
  }

  /** In the class itself, through the polymorphic `this`. */
  async sendTwice(): Promise<Job[]> {
    const one: Job = await this.jobs.withDelay(this, { priority: 5 }).send(1, 'a@example.com');
    const node: DelayableNode = this.jobs.delayable(this).send(2, 'b@example.com');
    const many: Job[] = await this.jobs.enqueueMany(this, 'send', [[3, 'c@example.com'], [4, 'd@example.com']]);
    const explicit: Job = await this.jobs.withDelay<Mailer>(this).send(5, 'e@example.com');
    // @ts-expect-error Argument of type 'string' is not assignable to parameter of type 'number'.
    await this.jobs.withDelay(this).send('6', 'f@example.com');
    // @ts-expect-error Argument of type 'number' is not assignable to parameter of type 'string'.
    this.jobs.delayable(this).send(7, 8);
    // @ts-expect-error Type 'string' is not assignable to type 'number'.
    await this.jobs.enqueueMany(this, 'send', [['9', 'g@example.com']]);
    // @ts-expect-error Argument of type '"sender"' is not assignable to parameter of type '"send" | "count" | "sendTwice"'.
    await this.jobs.enqueueMany(this, 'sender', [[]]);
    return [one, ...many, explicit, ...(await node.delay())];
  }
}

/** From another class or function. */
export async function mailFromOutside(jobs: JobService, mailer: Mailer): Promise<string[]> {
  const uuid: string = (await jobs.withDelay(mailer).send(1, 'a@example.com')).uuid;
  const uuids = (await jobs.enqueueMany(mailer, 'send', [[2, 'b@example.com']])).map((job) => job.uuid);
  // @ts-expect-error Expected 2 arguments, but got 1.
  await jobs.withDelay(mailer).send(3);
  // @ts-expect-error Source has 1 element(s) but target requires 2.
  await jobs.enqueueMany(mailer, 'send', [[4]]);
  // @ts-expect-error Argument of type '"nothing"' is not assignable to parameter of type '"send" | "count" | "sendTwice"'.
  await jobs.enqueueMany(mailer, 'nothing', [[]]);
  // @ts-expect-error This expression is not callable.
  await jobs.withDelay(mailer).sender();
  return [uuid, ...uuids];
}

/** A class with private members, a method among them: the same calls compile there. */
@Injectable()
export class Invoicer {
  constructor(private readonly jobs: JobService) {}

  @Delayable()
  async invoice(orderId: number): Promise<string> {
    return this.format(orderId);
  }

  async invoiceAll(orderIds: number[]): Promise<Job[]> {
    const first: Job = await this.jobs.withDelay(this).invoice(orderIds[0]);
    // @ts-expect-error Type 'string' is not assignable to type 'number'.
    await this.jobs.enqueueMany(this, 'invoice', [['1']]);
    return [first, ...(await this.jobs.enqueueMany(this, 'invoice', orderIds.map((id) => [id])))];
  }

  private format(orderId: number): string {
    return `invoice of order ${orderId}`;
  }
}

export async function invoiceFromOutside(jobs: JobService, invoicer: Invoicer): Promise<Job[]> {
  return jobs.enqueueMany(invoicer, 'invoice', [[1], [2]]);
}

/** @DelayableCron makes a job function too: only a method that returns a Promise; the other method decorators accept plain methods. */
@Injectable()
export class Reports {
  @DelayableCron('0 2 * * *')
  async nightly(_slot: Date): Promise<void> {}

  // @ts-expect-error Type 'void' is not assignable to type 'Promise<unknown>'.
  @DelayableCron('0 1 * * *')
  hourlySync(_slot: Date): void {}

  @DelayableCron('0 3 * * *', { priority: 7 })
  @Delayable({ retryPattern: { 1: 60 } })
  async weekly(_slot: Date): Promise<void> {}

  // @ts-expect-error Type 'void' is not assignable to type 'Promise<unknown>'.
  @Delayable()
  // @ts-expect-error Type 'void' is not assignable to type 'Promise<unknown>'.
  @DelayableCron('0 4 * * *')
  monthly(_slot: Date): void {}

  @RelatedAction('open-report')
  open(job: QueueJob): RelatedActionResult {
    return { type: 'url', url: `/reports/${job.uuid}` };
  }

  @OnJobFailure()
  failed(_event: JobEvent): void {}
}
