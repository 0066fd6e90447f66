import { Injectable, OnModuleInit } from '@nestjs/common';
import { providerMethods } from '../discovery/provider-methods.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DELAYABLE_CRON_METADATA } from './cron.constants.js';
import { invalidCron, invalidCronOption } from './cron.messages.js';
import { CronSchedule } from './cron-schedule.js';
import type { DelayableCronMetadata, DelayableCronOptions } from './delayable-cron.decorator.js';

/** A `@DelayableCron()` method found in the app, its schedule checked. */
export interface CronDefinition {
  instance: object;
  methodName: string;
  /** `ReportService.nightly`, for messages. */
  label: string;
  schedule: CronSchedule;
  options: DelayableCronOptions;
}

const MISSED_SLOT_POLICIES = ['skip', 'runOnce'];

/**
 * Finds the `@DelayableCron()` methods of the app's singleton providers and checks their expression,
 * time zone and options: a mistake stops the app at startup, in every instance (runner on or off).
 */
@Injectable()
export class DelayableCronExplorer implements OnModuleInit {
  readonly crons: CronDefinition[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const { instance, methodName, method } of providerMethods(this.discovery, this.scanner)) {
      const metadata = this.reflector.get<DelayableCronMetadata | undefined>(DELAYABLE_CRON_METADATA, method);
      if (metadata) this.crons.push(define(instance, methodName, metadata));
    }
  }
}

function define(instance: object, methodName: string, { cronExpression, options }: DelayableCronMetadata): CronDefinition {
  const label = `${instance.constructor.name}.${methodName}`;
  if (typeof cronExpression !== 'string' || cronExpression.trim() === '') throw new Error(invalidCron(label, cronExpression, 'the expression is empty'));
  let schedule: CronSchedule;
  try {
    schedule = new CronSchedule(cronExpression, options.timeZone);
  } catch (error) {
    throw new Error(invalidCron(label, cronExpression, (error as Error).message.replace(/\.$/, '')));
  }
  if (options.missedSlots !== undefined && !MISSED_SLOT_POLICIES.includes(options.missedSlots)) {
    throw new Error(invalidCronOption(label, 'missedSlots', options.missedSlots, `'runOnce' (the default) or 'skip'`));
  }
  if (options.noParallelRun !== undefined && typeof options.noParallelRun !== 'boolean') {
    throw new Error(invalidCronOption(label, 'noParallelRun', options.noParallelRun, 'true or false'));
  }
  return { instance, methodName, label, schedule, options };
}
