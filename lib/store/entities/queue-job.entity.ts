import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JobState } from '../job-state.js';

/** One job: a row of `queue_job` (SPEC §9). Column names are part of the public contract. */
@Entity('queue_job')
export class QueueJob {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Index({ unique: true }) @Column({ type: 'uuid' }) uuid!: string;
  @Column({ type: 'uuid', name: 'graph_uuid', nullable: true }) graphUuid!: string | null;
  /** The description. */
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', name: 'job_function' }) jobFunction!: string;
  @Column({ type: 'text', name: 'service_name' }) serviceName!: string;
  @Column({ type: 'text', name: 'method_name' }) methodName!: string;
  @Column({ type: 'text', name: 'func_string' }) funcString!: string;
  @Column({ type: 'jsonb' }) args!: unknown[];
  @Column({ type: 'jsonb' }) records!: unknown[];
  @Column({ type: 'jsonb' }) dependencies!: { depends_on: string[]; reverse_depends_on: string[] };
  @Column({ type: 'text' }) state!: JobState;
  @Column({ type: 'integer' }) priority!: number;
  @Column({ type: 'timestamptz', nullable: true }) eta!: Date | null;
  @Column({ type: 'integer' }) retry!: number;
  @Column({ type: 'integer', name: 'max_retries' }) maxRetries!: number;
  @Column({ type: 'text' }) channel!: string;
  @Column({ type: 'text', name: 'identity_key', nullable: true }) identityKey!: string | null;
  @Column({ type: 'jsonb', nullable: true }) result!: unknown;
  @Column({ type: 'text', name: 'exc_name', nullable: true }) excName!: string | null;
  @Column({ type: 'text', name: 'exc_message', nullable: true }) excMessage!: string | null;
  @Column({ type: 'text', name: 'exc_info', nullable: true }) excInfo!: string | null;
  @Column({ type: 'timestamptz', name: 'date_created' }) dateCreated!: Date;
  @Column({ type: 'timestamptz', name: 'date_enqueued', nullable: true }) dateEnqueued!: Date | null;
  @Column({ type: 'timestamptz', name: 'date_started', nullable: true }) dateStarted!: Date | null;
  @Column({ type: 'timestamptz', name: 'date_done', nullable: true }) dateDone!: Date | null;
  @Column({ type: 'timestamptz', name: 'date_cancelled', nullable: true }) dateCancelled!: Date | null;
  /** Seconds. */
  @Column({ type: 'double precision', name: 'exec_time', nullable: true }) execTime!: number | null;
  @Column({ type: 'text', name: 'worker_id', nullable: true }) workerId!: string | null;
  /** Context captured at enqueue and restored around the execution (module option `context`). */
  @Column({ type: 'jsonb', nullable: true }) context!: Record<string, unknown> | null;
  @Column({ type: 'text', name: 'user_id', nullable: true }) userId!: string | null;
  /** Trace context of the enqueue (W3C `traceparent`…), continued by the execution span. */
  @Column({ type: 'jsonb', name: 'trace_context', nullable: true }) traceContext!: Record<string, string> | null;
  /** Seconds the call allowed an attempt (`withDelay(x, { timeout })`); null: the job function's or the runner's. */
  @Column({ type: 'int', nullable: true }) timeout!: number | null;
  /** How far the job got (0 to 1), as it last reported with `currentJob().progress()`; null: never reported, or back to pending for a new attempt. */
  @Column({ type: 'real', nullable: true }) progress!: number | null;
  /** What the job said with its last progress report. */
  @Column({ type: 'text', name: 'progress_message', nullable: true }) progressMessage!: string | null;
  /** Fencing token of the current claim: only the executor holding it may record the outcome. */
  @Column({ type: 'uuid', name: 'lease_token', nullable: true }) leaseToken!: string | null;
  @Column({ type: 'timestamptz', name: 'lease_expires_at', nullable: true }) leaseExpiresAt!: Date | null;
}
