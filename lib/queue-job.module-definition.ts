import { ConfigurableModuleBuilder } from '@nestjs/common';
import { withAdmin } from './admin/mount-admin.js';
import type { QueueJobModuleExtras, QueueJobModuleOptions } from './queue-job.options.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: QUEUE_JOB_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<QueueJobModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createQueueJobOptions')
  .setExtras<QueueJobModuleExtras>({ isGlobal: true, dataSource: undefined, admin: undefined }, (definition, extras) => withAdmin({
    ...definition,
    global: extras.isGlobal,
  }, extras.admin))
  .build();

/** A class for `forRootAsync({ useClass })`. */
export interface QueueJobOptionsFactory {
  createQueueJobOptions(): QueueJobModuleOptions | Promise<QueueJobModuleOptions>;
}
