import { isStorableText } from '../store/sql/json-text.js';
import { isPlainObject, type EntityInspector } from './argument-serializer.js';

/** Deeper than this, serializeArguments takes over (it names a cycle, and refuses what PostgreSQL cannot parse). */
const PLAIN_DEPTH = 64;

/**
 * The `args` column of a call whose arguments are plain data (strings PostgreSQL can store, finite
 * numbers, booleans, null, arrays and `{}` objects of those): the text that
 * `JSON.stringify(serializeArguments(args, inspector).args)` gives, made in one pass that reads each
 * value once, without the copies, paths and maps the serializer keeps to tag values and to name a
 * bad one. Undefined as soon as a value needs more — a Date, an entity, a `bigint`, `undefined` in
 * an array, a key starting with `$`, a string or number PostgreSQL cannot store, a class instance,
 * a symbol key, a getter that throws, deep nesting: the caller then calls serializeArguments, which
 * tags the value or refuses it with its path (and reads the values again: a getter runs twice). A
 * bulk call's arguments are mostly plain data, and serializing them was the largest part of the
 * process's work per job.
 */
export function plainArgsJson(args: readonly unknown[], inspector: EntityInspector): string | undefined {
  if (prototypesHaveToJson()) return undefined;
  try {
    let text = '[';
    for (let i = 0; i < args.length; i++) {
      const json = plainJson(args[i], inspector, 0);
      if (json === undefined) return undefined;
      text += i > 0 ? `,${json}` : json;
    }
    return `${text}]`;
  } catch {
    return undefined; // what threw is for serializeArguments to report, with its path
  }
}

function plainJson(value: unknown, inspector: EntityInspector, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return isStorableText(value) ? JSON.stringify(value) : undefined;
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      // A Date is tagged; checked first, as the serializer does (an array can have Date's prototype).
      if (depth >= PLAIN_DEPTH || value instanceof Date) return undefined;
      return Array.isArray(value) ? plainArray(value, inspector, depth + 1) : plainObject(value, inspector, depth + 1);
    default:
      return undefined; // undefined, bigint, function, symbol: tagged or refused by the serializer
  }
}

/** Read as the serializer reads it (`Array.from`: its iterator); a hole or `undefined` needs a tag. */
function plainArray(value: readonly unknown[], inspector: EntityInspector, depth: number): string | undefined {
  let text = '[';
  let first = true;
  for (const item of value) {
    const json = item === undefined ? undefined : plainJson(item, inspector, depth);
    if (json === undefined) return undefined;
    text += first ? json : `,${json}`;
    first = false;
  }
  return `${text}]`;
}

/** The serializer's checks, in its order; an `undefined` property is left out, as it does. */
function plainObject(value: object, inspector: EntityInspector, depth: number): string | undefined {
  if (inspector.identify(value) !== null || !isPlainObject(value)) return undefined;
  if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
  let text = '{';
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return undefined;
    if (item === undefined) continue;
    if (key.startsWith('$')) return undefined;
    const json = plainJson(item, inspector, depth);
    if (json === undefined) return undefined;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    first = false;
  }
  return `${text}}`;
}

/**
 * A `toJSON` that an app (or a library it loads) put on a prototype changes what `JSON.stringify`
 * writes for every value of that type, which the text made here would not: the serializer's way then.
 */
function prototypesHaveToJson(): boolean {
  // JSON.stringify asks only objects for a `toJSON`; arrays inherit Object.prototype's.
  return 'toJSON' in Array.prototype;
}
