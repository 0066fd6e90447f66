import type { EntityInspector, EntityLoader, RecordRef } from '../../../lib/enqueue/argument-serializer.js';

/** Stand-ins for TypeORM entities: the serializer only sees them through the inspector. */
export class Order {
  constructor(
    public id: number | undefined,
    public lines: OrderLine[] = [],
  ) {}
}

export class OrderLine {
  constructor(
    public orderId: number | null,
    public lineNo: number,
    public order?: Order,
  ) {}
}

export const inspector: EntityInspector = {
  identify(value) {
    if (value instanceof Order) return { entity: 'Order', id: value.id as number };
    if (value instanceof OrderLine) return { entity: 'OrderLine', id: { orderId: value.orderId, lineNo: value.lineNo } };
    return null;
  },
};

/** Answers from a fixed set of rows and remembers what it was asked, in order. */
export class FakeLoader implements EntityLoader {
  readonly calls: RecordRef[] = [];

  constructor(private readonly rows: Record<string, object>) {}

  async load(ref: RecordRef): Promise<object> {
    this.calls.push(ref);
    const row = this.rows[`${ref.entity}#${JSON.stringify(ref.id)}`];
    if (row === undefined) throw new Error(`${ref.entity} ${JSON.stringify(ref.id)} no longer exists`);
    return row;
  }
}
