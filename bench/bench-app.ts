// The benchmark's Nest application context, built as a user would: TypeORM on the database URL,
// QueueJobModule with channels `root:<C>`, and a provider whose no-op method is @Delayable().
import 'reflect-metadata';
import { Injectable, Logger, Module, type DynamicModule, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { currentJob, Delayable, QueueJobModule } from '../lib/index.js';

export interface Payload { i: number }

/**
 * The job target: `handle` only counts its calls and tells the workload (latency timestamps them;
 * drains keep the uuids of the first jobs, to check that exactly those are recorded `done`).
 */
@Injectable()
export class BenchJobs {
  calls = 0;
  onCall: (payload: Payload, uuid: string) => void = () => undefined;

  @Delayable()
  async handle(payload: Payload): Promise<unknown> {
    this.calls++;
    this.onCall(payload, currentJob().uuid);
    return null;
  }
}

/** Nest logs go to stderr (stdout carries only the JSON line); errors and warnings unless BENCH_LOGS=1. */
class StderrLogger implements LoggerService {
  private readonly all = !!process.env.BENCH_LOGS;
  private write(level: string, message: unknown, rest: unknown[]): void {
    const context = rest.length > 0 ? `[${String(rest[rest.length - 1])}] ` : '';
    process.stderr.write(`${new Date().toISOString()} ${level} ${context}${String(message)}\n`);
  }
  log(m: unknown, ...r: unknown[]) { if (this.all) this.write('LOG', m, r); }
  debug(m: unknown, ...r: unknown[]) { if (this.all) this.write('DEBUG', m, r); }
  verbose(m: unknown, ...r: unknown[]) { if (this.all) this.write('VERBOSE', m, r); }
  warn(m: unknown, ...r: unknown[]) { this.write('WARN', m, r); }
  error(m: unknown, ...r: unknown[]) { this.write('ERROR', m, r); }
  fatal(m: unknown, ...r: unknown[]) { this.write('FATAL', m, r); }
}

/**
 * Builds and initialises the app with the runner off: worker workloads start it themselves (JobRunner.start()).
 * `capacity` of `root` defaults to the runner's concurrency (bench:scaling sets it for several instances);
 * `features` are more modules, e.g. `QueueJobModule.forFeature(…)` declaring channel records (bench:history).
 */
export async function createBenchApp(url: string, concurrency: number, capacity = concurrency, features: DynamicModule[] = []): Promise<INestApplicationContext> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url, entities: [], synchronize: false, logging: false, retryAttempts: 1, retryDelay: 500 }),
      QueueJobModule.forRoot({ channels: `root:${capacity}`, runner: { enabled: false, concurrency } }),
      ...features,
    ],
    providers: [BenchJobs],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: new StderrLogger(), abortOnError: false });
  // As a production app would: debug and verbose off, so the per-transition debug lines are not even formatted.
  if (!process.env.BENCH_LOGS) Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);
  return app;
}
