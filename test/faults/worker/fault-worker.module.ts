import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueJobModule } from '../../../lib/index.js';
import { FaultJobs } from './fault-jobs.js';
import { FaultJobsV2 } from './fault-jobs-v2.js';

/** A whole number from the environment, or the default. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name}=${raw} is not a whole number`);
  return value;
}

/**
 * The app of one fault-suite process: TypeORM on DATABASE_URL and the queue configured from the
 * environment (QUEUE_JOB_CHANNELS and QUEUE_JOB_RUNNER are read by the module itself).
 * FAULT_VERSION=2 builds version 2 of the app, which adds a job function (FaultJobsV2).
 */
@Module({})
export class FaultWorkerModule {
  static fromEnv(): DynamicModule {
    return {
      module: FaultWorkerModule,
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, logging: false, retryAttempts: 0 }),
        QueueJobModule.forRoot({
          autovacuum: false,
          lockTimeout: envNumber('FAULT_LOCK_TIMEOUT_MS', 5_000),
          runner: {
            concurrency: envNumber('FAULT_CONCURRENCY', 32),
            pollInterval: envNumber('FAULT_POLL_MS', 5_000),
            shutdownTimeout: envNumber('FAULT_SHUTDOWN_MS', 30_000),
            leaseSeconds: envNumber('FAULT_LEASE_SECONDS', 30),
            unknownFunctionGrace: envNumber('FAULT_UNKNOWN_GRACE', 600),
          },
        }),
      ],
      providers: process.env.FAULT_VERSION === '2' ? [FaultJobs, FaultJobsV2] : [FaultJobs],
    };
  }
}
