// One process of the fault suite (test/faults): `node dist/test/faults/worker/main.js`.
// FAULT_ROLE=worker (default) runs jobs until SIGTERM (graceful: exit 0) or SIGKILL;
// FAULT_ROLE=enqueue (with QUEUE_JOB_RUNNER=0) enqueues jobs, see enqueuer.ts, and exits;
// FAULT_ROLE=churn runs jobs and a lock-heavy workload of graphs and manual actions (churn.ts) until killed.
// Prints `READY <pid>` once started, `FATAL <name>: <message>` and exits 1 if it cannot start.
import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runChurn } from './churn.js';
import { runEnqueuer } from './enqueuer.js';
import { FaultWorkerModule } from './fault-worker.module.js';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(FaultWorkerModule.fromEnv(), {
    // Errors must reach the caller (exit 1 with the message), not abort the process.
    abortOnError: false,
    logger: new ConsoleLogger({ logLevels: ['fatal', 'error', 'warn', 'log'], colors: false, prefix: `worker ${process.pid}` }),
  });
  // SIGTERM: stop claiming, wait for running jobs (runner.shutdownTimeout), then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  console.log(`READY ${process.pid}`);
  if (process.env.FAULT_ROLE === 'enqueue') {
    await runEnqueuer(app);
    await app.close();
    process.exit(0);
  }
  if (process.env.FAULT_ROLE === 'churn') await runChurn(app);
}

main().catch((error: Error) => {
  console.error(`FATAL ${error.name}: ${error.message}`);
  process.exit(1);
});
