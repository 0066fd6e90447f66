import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OrderState = 'draft' | 'confirmed' | 'invoiced';

/** Money stays exact in PostgreSQL (`numeric`) and reads back as a number, not pg's string. */
const money = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/** A shop order. Passed to jobs as an argument: the job stores its id and loads it again before running. */
@Entity('shop_order')
export class Order {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'text' }) customer!: string;
  @Column({ type: 'numeric', precision: 12, scale: 2, transformer: money }) amount!: number;
  @Column({ type: 'text', default: 'draft' }) state!: OrderState;
  @Column({ type: 'timestamptz', name: 'confirmed_at', nullable: true }) confirmedAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'invoiced_at', nullable: true }) invoicedAt!: Date | null;
  /** The user of the request that placed the order, as the jobs saw it (context propagation). */
  @Column({ type: 'text', name: 'confirmed_by', nullable: true }) confirmedBy!: string | null;
  @Column({ type: 'text', name: 'invoiced_by', nullable: true }) invoicedBy!: string | null;
}
