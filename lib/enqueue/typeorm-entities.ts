import type { DataSource } from 'typeorm';
import { RecordNotFoundError } from '../errors/record-not-found.error.js';
import type { EntityInspector, EntityLoader, JsonValue, RecordRef } from './argument-serializer.js';

/** Recognises TypeORM entity instances among job arguments and loads them again before the call. */
export class TypeOrmEntities implements EntityInspector, EntityLoader {
  constructor(private readonly dataSource: DataSource) {}

  identify(value: object): RecordRef | null {
    const ctor = value.constructor;
    if (typeof ctor !== 'function' || ctor === Object || !this.dataSource.hasMetadata(ctor)) return null;
    const metadata = this.dataSource.getMetadata(ctor);
    const ids = metadata.getEntityIdMap(value);
    // An unsaved entity: the serializer refuses `id: null` with the argument's path.
    if (!ids) return { entity: metadata.name, id: null };
    const primary = metadata.primaryColumns;
    const id = primary.length === 1 ? (ids[primary[0].propertyName] as JsonValue) : (ids as JsonValue);
    return { entity: metadata.name, id };
  }

  async load(ref: RecordRef): Promise<object> {
    const metadata = this.dataSource.getMetadata(ref.entity);
    const primary = metadata.primaryColumns;
    const where = primary.length === 1 ? { [primary[0].propertyName]: ref.id } : (ref.id as object);
    const record = await this.dataSource.getRepository(ref.entity).findOneBy(where);
    if (!record) throw new RecordNotFoundError(ref.entity, ref.id);
    return record;
  }
}
