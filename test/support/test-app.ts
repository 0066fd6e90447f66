import 'reflect-metadata';
import { Logger, type INestApplicationContext, type LoggerService, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueJobModule } from '../../lib/queue-job.module.js';
import type { QueueJobModuleOptions } from '../../lib/queue-job.options.js';

export interface TestAppOptions extends QueueJobModuleOptions {
  url: string;
  providers?: ModuleMetadata['providers'];
  imports?: ModuleMetadata['imports'];
  entities?: Function[];
  /** Receives the app's logs (default: none, or Nest's logger when QUEUE_JOB_TEST_LOGS is set). */
  logger?: LoggerService;
}

/** A Nest application context with TypeORM on `url`, QueueJobModule and the given providers, started. */
export async function createTestApp(options: TestAppOptions): Promise<INestApplicationContext> {
  const { url, providers = [], imports = [], entities = [], logger, ...queueJob } = options;
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url, entities, synchronize: entities.length > 0, logging: false, retryAttempts: 0 }),
      QueueJobModule.forRoot(queueJob),
      ...imports,
    ],
    providers,
  }).compile();
  const app = moduleRef.createNestApplication();
  app.useLogger(logger ?? testLogger());
  await app.init();
  return app;
}

/** What the apps of the tests log to: nothing, unless QUEUE_JOB_TEST_LOGS is set. */
export function testLogger(): LoggerService | false {
  return process.env.QUEUE_JOB_TEST_LOGS ? new Logger() : false;
}
