import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { Delayable, currentJob } from '../../../lib/index.js';
import { END_RUN_SQL, INSERT_RUN_SQL, INSTANT_RUN_SQL } from './fault-tables.js';

/** Bounds the retries of a recording: long enough to outlast a database restart. */
const PERSIST_FOR_MS = 30_000;

/** What a job returns: who ran it, so that a row's result tells which executor was recorded. */
export interface FaultResult { pid: number; tag: string; attempt: number }

/** The jobs of the fault suite: each records its executions in `fault_run`. */
@Injectable()
export class FaultJobs {
  constructor(private readonly dataSource: DataSource) {}

  /** Sleeps `ms` on the first attempt and `retryMs` on later ones (a rescued job need not be slow again). */
  @Delayable()
  async sleep(tag: string, ms: number, retryMs: number): Promise<FaultResult> {
    return this.run(tag, currentJob().retry > 1 ? retryMs : ms);
  }

  /** One recorded execution of `ms` (not a job function: the body of `sleep` and of other versions' jobs). */
  async run(tag: string, ms: number): Promise<FaultResult> {
    if (ms === 0) {
      await this.persist(INSTANT_RUN_SQL, this.runParams(tag, randomUUID()));
      return this.result(tag);
    }
    const execution = await this.begin(tag);
    await sleep(ms);
    await this.persist(END_RUN_SQL, [execution]);
    return this.result(tag);
  }

  /**
   * Notes its start in the file FAULT_START_LOG, outside the database (a database crash cannot take the
   * note back), and returns.
   */
  @Delayable()
  async noteStart(tag: string): Promise<FaultResult> {
    appendFileSync(process.env.FAULT_START_LOG!, `${tag}\n`);
    return this.result(tag);
  }

  /** Like `sleep`, with a `fault_work` row written through the job's own transaction first. */
  @Delayable()
  async sleepInTransaction(tag: string, ms: number, retryMs: number): Promise<FaultResult> {
    const execution = await this.begin(tag);
    const manager = await currentJob().manager();
    await manager.query('INSERT INTO fault_work (job_uuid, tag, worker_pid) VALUES ($1, $2, $3)', [currentJob().uuid, tag, process.pid]);
    await sleep(currentJob().retry > 1 ? retryMs : ms);
    await this.persist(END_RUN_SQL, [execution]);
    return this.result(tag);
  }

  /** Always hits a serialization failure (SQLSTATE 40001), as a job losing a concurrent update would. */
  @Delayable({ maxRetries: 2 })
  async conflict(tag: string): Promise<FaultResult> {
    await this.persist(END_RUN_SQL, [await this.begin(tag)]);
    throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
  }

  /**
   * CPU-bound: blocks the event loop for `ms` (first attempt; `retryMs` later), so nothing else runs in
   * its process meanwhile — the lease heartbeat included. Its job function keeps the default lease.
   */
  @Delayable({ maxRetries: 2 })
  async busy(tag: string, ms: number, retryMs: number): Promise<FaultResult> {
    return this.spin(tag, ms, retryMs);
  }

  /** `busy` with a lease of its own (10 s) longer than its stall: it must run once and be done. */
  @Delayable({ maxRetries: 2, leaseSeconds: 10 })
  async busyWithLease(tag: string, ms: number, retryMs: number): Promise<FaultResult> {
    return this.spin(tag, ms, retryMs);
  }

  private async spin(tag: string, ms: number, retryMs: number): Promise<FaultResult> {
    const execution = await this.begin(tag);
    const until = Date.now() + (currentJob().retry > 1 ? retryMs : ms);
    while (Date.now() < until) {
      // Busy: no await, no timer, no I/O.
    }
    await this.persist(END_RUN_SQL, [execution]);
    return this.result(tag);
  }

  private async begin(tag: string): Promise<string> {
    const execution = randomUUID();
    await this.persist(INSERT_RUN_SQL, this.runParams(tag, execution));
    return execution;
  }

  private runParams(tag: string, execution: string): unknown[] {
    const job = currentJob();
    return [execution, job.uuid, job.retry, tag, job.channel, process.pid];
  }

  private result(tag: string): FaultResult {
    return { pid: process.pid, tag, attempt: currentJob().retry };
  }

  /**
   * The measurements must survive a database restart (else the job would fail for a reason that is
   * not the queue's): retried until they get through. Idempotent by `execution`, so a retried insert
   * whose first try did commit still counts one execution.
   */
  private async persist(sql: string, params: unknown[]): Promise<void> {
    const deadline = Date.now() + PERSIST_FOR_MS;
    for (;;) {
      try {
        await this.dataSource.query(sql, params);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  }
}
