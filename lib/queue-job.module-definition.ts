import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { QueueJobModuleExtras, QueueJobModuleOptions } from './queue-job.options.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: QUEUE_JOB_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<QueueJobModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createQueueJobOptions')
  .setExtras<QueueJobModuleExtras>({ isGlobal: true, dataSource: undefined }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** A class for `forRootAsync({ useClass })`. */
export interface QueueJobOptionsFactory {
  createQueueJobOptions(): QueueJobModuleOptions | Promise<QueueJobModuleOptions>;
}
