import { ArgumentSerializationError } from '../errors/argument-serialization.error.js';
import { isInstance, messageOf } from '../errors/describe-thrown.js';
import { isStorableText } from '../store/sql/json-text.js';

/** A value JSON (and a jsonb column) keeps as it is. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A stored TypeORM entity: its name and primary key (an object of key columns for composite keys). */
export interface RecordRef {
  entity: string;
  id: JsonValue;
}

/** Tells entities apart from other objects: a reference for an entity instance, else null. */
export interface EntityInspector {
  identify(value: object): RecordRef | null;
}

/** Loads an entity again before the job runs; rejects with a RecordNotFoundError if the record no longer exists. */
export interface EntityLoader {
  load(ref: RecordRef): Promise<object>;
}

/** What goes to the `args` and `records` columns; `records` lists each entity once, in order of appearance. */
export interface SerializedArguments {
  args: JsonValue[];
  records: RecordRef[];
}

/** Single-key objects that stand for values JSON has no type for. */
export const Tag = {
  Date: '$date',
  BigInt: '$bigint',
  Record: '$record',
  Undefined: '$undefined',
  Object: '$object',
} as const;

/** Turns call arguments into tagged JSON; throws {@link ArgumentSerializationError} naming the first bad value. */
export function serializeArguments(args: readonly unknown[], inspector: EntityInspector): SerializedArguments {
  const records = new Map<string, RecordRef>();
  // Only the objects on the current path: a value shared by two branches is fine, a cycle is not.
  const ancestors = new Map<object, string>();

  const encode = (value: unknown, path: string): JsonValue => {
    switch (typeof value) {
      case 'string':
        return isStorableText(value) ? value : refuse(path, ...unstorableString(value));
      case 'boolean':
        return value;
      case 'number':
        if (Number.isFinite(value)) return value;
        return refuse(path, String(value), 'JSON cannot store it; pass null or a finite number instead');
      case 'bigint':
        return { [Tag.BigInt]: value.toString() };
      case 'undefined':
        return { [Tag.Undefined]: true };
      case 'function':
        return refuse(path, 'a function', `${USE_DATA}; a job runs later, maybe in another process, so it cannot carry code`);
      case 'symbol':
        return refuse(path, 'a symbol', 'pass a string instead');
      case 'object':
        return value === null ? null : encodeObject(value, path);
    }
  };

  /** Whatever the object does when read (a getter or Proxy trap that throws) is refused with its path. */
  const encodeObject = (value: object, path: string): JsonValue => {
    if (ancestors.size >= MAX_NESTING) {
      return refuse(path, `nested more than ${MAX_NESTING} levels deep`, 'PostgreSQL refuses JSON nested that deep; flatten it');
    }
    try {
      return encodeObjectOf(value, path);
    } catch (error) {
      if (isInstance(error, ArgumentSerializationError)) throw error;
      return refuse(path, `a value that threw when read (${messageOf(error)})`, `${USE_DATA}, read beforehand`);
    }
  };

  const encodeObjectOf = (value: object, path: string): JsonValue => {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return refuse(path, 'an invalid Date', 'pass a valid Date or null instead');
      return { [Tag.Date]: value.toISOString() };
    }
    const cycleStart = ancestors.get(value);
    if (cycleStart !== undefined) {
      return refuse(path, `a circular reference to ${cycleStart}`, 'pass ids instead of back-references');
    }
    if (Array.isArray(value)) {
      // Array.from visits holes too: each becomes `$undefined`, so positions survive.
      return within(value, path, () => Array.from(value, (item: unknown, i) => encode(item, `${path}[${i}]`)));
    }
    const ref = inspector.identify(value);
    if (ref !== null) {
      const { entity, id } = addRecord(ref, path);
      return { [Tag.Record]: { entity, id } };
    }
    if (!isPlainObject(value)) return refuse(path, `an instance of ${className(value) || 'an anonymous class'}`, hintFor(value));
    return within(value, path, () => encodePlain(value, path));
  };

  const encodePlain = (value: object, path: string): JsonValue => {
    const symbol = Object.getOwnPropertySymbols(value).find((key) => Object.prototype.propertyIsEnumerable.call(value, key));
    if (symbol !== undefined) {
      return refuse(`${path}[${symbol.toString()}]`, 'a property with a symbol key', 'use a string key instead');
    }
    const entries: [string, JsonValue][] = [];
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) return refuse(childPath(path, key), ...unstorableString(key, 'a key'));
      if (item !== undefined) entries.push([key, encode(item, childPath(path, key))]); // dropped, as JSON does
    }
    // fromEntries defines keys, so a "__proto__" key stays data instead of setting the prototype.
    const out: { [key: string]: JsonValue } = Object.fromEntries(entries);
    return entries.some(([key]) => key.startsWith('$')) ? { [Tag.Object]: out } : out;
  };

  const within = (value: object, path: string, encodeChildren: () => JsonValue): JsonValue => {
    ancestors.set(value, path);
    try {
      return encodeChildren();
    } finally {
      ancestors.delete(value);
    }
  };

  const addRecord = (ref: RecordRef, path: string): RecordRef => {
    if (isMissingKey(ref.id)) {
      return refuse(path, `an unsaved ${ref.entity} entity (its primary key is not set)`, 'save it before enqueueing the job');
    }
    const copy = { entity: ref.entity, id: ref.id };
    const key = recordKey(copy);
    if (!records.has(key)) records.set(key, copy);
    return copy;
  };

  const encoded = args.map((arg, i) => encode(arg, `args[${i}]`));
  return { args: encoded, records: [...records.values()] };
}

/** True for `{}`-style objects: prototype `Object.prototype` or null. */
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Keys that read as they are after a dot; others are shown quoted. */
export function isIdentifier(key: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(key);
}

/** `args[0]` + `items` → `args[0].items`; keys that are not identifiers are quoted: `args[0]["a b"]`. */
export function childPath(path: string, key: string): string {
  return isIdentifier(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The name of the class an object was made by; '' for anonymous classes. */
export function className(value: object): string {
  const ctor: unknown = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor;
  return typeof ctor === 'function' ? ctor.name : '';
}

/** Same record, same key, whatever the key order of a composite id. */
export function recordKey(ref: RecordRef): string {
  return `${ref.entity}#${stableJson(ref.id)}`;
}

function stableJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(value[key] as JsonValue)}`).join(',')}}`;
}

function isMissingKey(id: JsonValue | undefined): boolean {
  if (id === null || id === undefined) return true;
  if (typeof id !== 'object' || Array.isArray(id)) return false;
  return Object.values(id).some((part) => part === null || part === undefined);
}

const USE_DATA = 'pass an id or a plain object instead';

/** Deeper JSON than this is refused: PostgreSQL's parser gives up a few thousand levels down. */
export const MAX_NESTING = 1000;

/** Why PostgreSQL cannot store a string, and what to do: for `refuse(path, ...)`. */
export function unstorableString(value: string, what = 'a string'): [string, string] {
  return value.includes('\0')
    ? [`${what} with a NUL character`, 'PostgreSQL cannot store one; remove it or encode the text (e.g. base64)']
    : [`${what} with half of a UTF-16 surrogate pair (text cut inside an emoji?)`,
      'PostgreSQL cannot store one; cut text by code points (Array.from(text).slice(...)) or call text.toWellFormed()'];
}

function hintFor(value: object): string {
  if (value instanceof Map) return 'pass Object.fromEntries(map) or [...map] instead';
  if (value instanceof Set) return 'pass [...set] instead';
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return 'pass a base64 string instead';
  if (value instanceof Promise) return 'await it and pass the result instead';
  return `${USE_DATA} (only entities of the data source are stored, by reference)`;
}

function refuse(path: string, what: string, hint: string): never {
  throw new ArgumentSerializationError(path, `Cannot store job argument ${path}: it is ${what}; ${hint}.`);
}
