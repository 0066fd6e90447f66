import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { Job } from 'nestjs-queue-job';
import { AppModule } from './app.module.js';
import { GreetingService } from './greeting.service.js';

/** Enqueues one greeting for each argument, then keeps running jobs until SIGTERM. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule);
  app.enableShutdownHooks();
  for (const name of process.argv.slice(2)) {
    const job = (await app.get(GreetingService).greet(name)) as unknown as Job;
    console.log(`enqueued ${job.uuid}`);
  }
}

void main();
