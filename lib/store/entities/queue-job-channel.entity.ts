import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A channel record (Odoo's `queue.job.channel`), declared by modules with `QueueJobModule.forFeature()`. */
@Entity('queue_job_channel')
export class QueueJobChannel {
  @PrimaryGeneratedColumn() id!: number;
  /** Last segment, e.g. `sale`. */
  @Column({ type: 'text' }) name!: string;
  /** Full dotted name, e.g. `root.sale`. */
  @Column({ type: 'text', name: 'complete_name', unique: true }) completeName!: string;
  @Column({ type: 'integer', name: 'parent_id', nullable: true }) parentId!: number | null;
  /** Days after which done and cancelled jobs of the channel are deleted. */
  @Column({ type: 'integer', name: 'removal_interval' }) removalInterval!: number;
  /** Modules that declare this record; it is deleted when none does any more. */
  @Column({ type: 'jsonb', name: 'declared_by' }) declaredBy!: string[];
}
