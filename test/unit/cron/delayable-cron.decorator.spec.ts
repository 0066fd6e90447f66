import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { DelayableCron } from '../../../lib/cron/delayable-cron.decorator.js';
import { DELAYABLE_CRON_METADATA } from '../../../lib/cron/cron.constants.js';
import { Delayable } from '../../../lib/decorators/delayable.decorator.js';
import { DELAYABLE_METADATA } from '../../../lib/queue-job.constants.js';

class Reports {
  @DelayableCron('0 2 * * *', { timeZone: 'Europe/Paris', noParallelRun: true, missedSlots: 'skip', channel: 'root.report', priority: 5 })
  async nightly(): Promise<void> {}

  @DelayableCron('0 3 * * *', { priority: 7 })
  @Delayable({ retryPattern: { 1: 60 }, priority: 1 })
  async withDelayableBelow(): Promise<void> {}

  @Delayable({ retryPattern: { 1: 60 } })
  @DelayableCron('0 4 * * *', { channel: 'root.report' })
  async withDelayableAbove(): Promise<void> {}
}

const metadata = (key: string, method: keyof Reports) => Reflect.getMetadata(key, Reports.prototype[method]) as unknown;

describe('@DelayableCron', () => {
  it('makes the method a job function with the job options, and records the schedule', () => {
    expect(metadata(DELAYABLE_METADATA, 'nightly')).toEqual({ channel: 'root.report', priority: 5 });
    expect(metadata(DELAYABLE_CRON_METADATA, 'nightly')).toEqual({
      cronExpression: '0 2 * * *',
      options: { timeZone: 'Europe/Paris', noParallelRun: true, missedSlots: 'skip', channel: 'root.report', priority: 5 },
    });
  });

  it('merges with an @Delayable() below it; its own job options win', () => {
    expect(metadata(DELAYABLE_METADATA, 'withDelayableBelow')).toEqual({ retryPattern: { 1: 60 }, priority: 7 });
  });

  it('an @Delayable() above it replaces the job options; the schedule stays', () => {
    expect(metadata(DELAYABLE_METADATA, 'withDelayableAbove')).toEqual({ retryPattern: { 1: 60 } });
    expect(metadata(DELAYABLE_CRON_METADATA, 'withDelayableAbove')).toEqual({ cronExpression: '0 4 * * *', options: { channel: 'root.report' } });
  });
});
