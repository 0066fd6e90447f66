import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A job function record (Odoo's `queue.job.function`): default channel, retry pattern and related action. */
@Entity('queue_job_function')
export class QueueJobFunction {
  @PrimaryGeneratedColumn() id!: number;
  /** E.g. `<OrderService>.confirm`. */
  @Column({ type: 'text', unique: true }) name!: string;
  @Column({ type: 'text' }) channel!: string;
  @Column({ type: 'jsonb', name: 'retry_pattern', nullable: true }) retryPattern!: Record<string, number | [number, number]> | null;
  @Column({ type: 'jsonb', name: 'related_action', nullable: true }) relatedAction!: Record<string, unknown> | null;
  @Column({ type: 'jsonb', name: 'declared_by' }) declaredBy!: string[];
}
