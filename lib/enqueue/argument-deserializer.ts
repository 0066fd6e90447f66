import { ArgumentSerializationError } from '../errors/argument-serialization.error.js';
import { Tag, childPath, isPlainObject, recordKey, type EntityLoader, type JsonValue, type RecordRef } from './argument-serializer.js';
import { describeValue } from './describe-call.js';

type Resolve = (ref: RecordRef) => unknown;

/**
 * Turns stored tagged JSON back into call arguments, loading entities through `loader`.
 * Bad shapes throw {@link ArgumentSerializationError} naming the path, before any record is loaded.
 */
export async function deserializeArguments(args: readonly JsonValue[], loader: EntityLoader): Promise<unknown[]> {
  if (!Array.isArray(args)) return malformed('args', `expected an array of arguments, found ${describeValue(args)}`);
  // First pass checks the whole shape and collects the records; nothing is loaded for a broken job.
  const refs = new Map<string, RecordRef>();
  const decoded = decodeArgs(args, (ref) => refs.set(recordKey(ref), ref));
  // No record: the first pass is the answer.
  if (refs.size === 0) return decoded;
  const loaded = new Map<string, object>();
  // One at a time, in order of appearance: the record reported missing is always the first one.
  for (const [key, ref] of refs) loaded.set(key, await loader.load(ref));
  // A record used twice comes back as one instance, as it was passed.
  return decodeArgs(args, (ref) => loaded.get(recordKey(ref)));
}

function decodeArgs(args: readonly JsonValue[], resolve: Resolve): unknown[] {
  return args.map((arg, i) => decode(arg, `args[${i}]`, resolve));
}

function decode(value: unknown, path: string, resolve: Resolve): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((item: unknown, i) => decode(item, `${path}[${i}]`, resolve));
  if (typeof value !== 'object' || !isPlainObject(value)) return malformed(path, `${describeValue(value)} is not JSON`);
  const keys = Object.keys(value);
  if (!keys.some((key) => key.startsWith('$'))) return decodeEntries(value, path, resolve);
  if (keys.length !== 1) {
    return malformed(path, `a tag must be the only key of its object, found keys ${keys.map((k) => JSON.stringify(k)).join(', ')}`);
  }
  const [tag] = keys as [string];
  return decodeTag(tag, (value as Record<string, unknown>)[tag], path, resolve);
}

function decodeTag(tag: string, payload: unknown, path: string, resolve: Resolve): unknown {
  const bad = (expected: string): never => malformed(path, `"${tag}" must hold ${expected}, found ${describeValue(payload)}`);
  switch (tag) {
    case Tag.Date:
      if (typeof payload !== 'string' || Number.isNaN(Date.parse(payload))) return bad('an ISO date string');
      return new Date(payload);
    case Tag.BigInt:
      if (typeof payload !== 'string' || !/^-?\d+$/.test(payload)) return bad('a string of digits');
      return BigInt(payload);
    case Tag.Undefined:
      return payload === true ? undefined : bad('true');
    case Tag.Object:
      // Keys inside are data, never tags: that is what the wrapper is for.
      return isJsonObject(payload) ? decodeEntries(payload, path, resolve) : bad('an object');
    case Tag.Record: {
      if (!isJsonObject(payload)) return bad('{ entity, id }');
      const { entity, id } = payload as { entity?: unknown; id?: unknown };
      if (typeof entity !== 'string' || entity === '' || id === undefined || id === null) return bad('{ entity, id }');
      return resolve({ entity, id: id as JsonValue });
    }
    default:
      return malformed(path, `unknown tag "${tag}" (known: ${Object.values(Tag).join(', ')})`);
  }
}

function decodeEntries(value: object, path: string, resolve: Resolve): Record<string, unknown> {
  // fromEntries defines keys, so a stored "__proto__" key stays data instead of setting the prototype.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decode(item, childPath(path, key), resolve)]));
}

function isJsonObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainObject(value);
}

function malformed(path: string, problem: string): never {
  throw new ArgumentSerializationError(
    path,
    `Cannot read stored job argument ${path}: ${problem}. ` +
      'The stored arguments were not written by this version of the serializer (edited by hand?); fix them or cancel the job.',
  );
}
