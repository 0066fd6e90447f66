// Type fixture, compiled (never run) by types.spec.ts: the lines that must compile are plain, the
// ones that must not carry `// @ts-expect-error <part of the error TypeScript gives>`. An unused
// directive is itself an error, so each expectation is checked in both directions.
import { Injectable } from '@nestjs/common';
import {
  Delayable, DelayableCron, OnJobFailure, RelatedAction, type JobEvent, type QueueJob, type RelatedActionResult,
} from '../../lib/index.js';

@Injectable()
export class Mailer {
  @Delayable()
  async send(orderId: number, to: string): Promise<string> {
    return `order ${orderId} mailed to ${to}`;
  }

  // @ts-expect-error is not assignable to parameter of type 'TypedPropertyDescriptor<DelayableMethodReturningPromise>'.
  @Delayable()
  count(orderId: number): number {
    return orderId;
  }
}

/** The other method decorators accept what they did: plain methods as well as async ones. */
@Injectable()
export class Reports {
  @DelayableCron('0 2 * * *')
  nightly(_slot: Date): void {}

  @DelayableCron('0 3 * * *', { priority: 7 })
  @Delayable({ retryPattern: { 1: 60 } })
  async weekly(_slot: Date): Promise<void> {}

  // @ts-expect-error Type 'void' is not assignable to type 'Promise<unknown>'.
  @Delayable()
  @DelayableCron('0 4 * * *')
  monthly(_slot: Date): void {}

  @RelatedAction('open-report')
  open(job: QueueJob): RelatedActionResult {
    return { type: 'url', url: `/reports/${job.uuid}` };
  }

  @OnJobFailure()
  failed(_event: JobEvent): void {}
}
