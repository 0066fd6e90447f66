import { MAX_NESTING, childPath, className, isPlainObject, unstorableString } from '../enqueue/argument-serializer.js';
import { attempt, isInstance, messageOf } from '../errors/describe-thrown.js';
import { isStorableText } from '../store/sql/json-text.js';
import { JobContextError } from '../errors/job-context.error.js';
import { USER_ID_KEY } from './context-options.js';

/** A captured context as it is stored: its JSON text and its user id. */
export interface EncodedContext {
  json: string;
  userId: string | null;
}

/**
 * Checks that what `capture()` returned is plain JSON, and encodes it. Refuses, naming the path
 * (`context.tenant.since`), whatever JSON would change or lose on the way to the job: functions,
 * symbols, class instances (Date included), NaN and infinities, bigint, circular references,
 * `undefined` array items. `undefined` properties are left out, as JSON does.
 */
export function encodeContext(jobFunction: string, captured: unknown): EncodedContext | null {
  if (captured === null || captured === undefined) return null;
  const refuse = (path: string, what: string, hint: string): never => {
    throw new JobContextError(path, `Cannot enqueue ${jobFunction}: its context value ${path} is ${what}; ${hint}. Nothing was stored.`);
  };
  const ancestors = new Set<object>();

  const check = (value: unknown, path: string): void => {
    switch (typeof value) {
      case 'string':
        if (!isStorableText(value)) refuse(path, ...unstorableString(value));
        return;
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(value)) refuse(path, String(value), 'JSON cannot store it: capture null or a finite number');
        return;
      case 'bigint':
        return refuse(path, 'a bigint', 'capture value.toString() instead');
      case 'undefined':
        return refuse(path, 'undefined', 'JSON would turn it into null: capture null instead');
      case 'function':
        return refuse(path, 'a function', 'a context is data that a job reads later, maybe in another process');
      case 'symbol':
        return refuse(path, 'a symbol', 'capture a string instead');
      case 'object':
        if (value !== null) checkReadable(value, path);
    }
  };

  /** Whatever the object does when read (a getter or Proxy trap that throws) is refused with its path. */
  const checkReadable = (value: object, path: string): void => {
    if (ancestors.size >= MAX_NESTING) refuse(path, `nested more than ${MAX_NESTING} levels deep`, 'PostgreSQL refuses JSON nested that deep: flatten it');
    try {
      checkObject(value, path);
    } catch (error) {
      if (isInstance(error, JobContextError)) throw error;
      refuse(path, `a value that threw when read (${messageOf(error)})`, 'capture plain data, read beforehand');
    }
  };

  const checkObject = (value: object, path: string): void => {
    if (ancestors.has(value)) refuse(path, 'a circular reference', 'capture ids instead of back-references');
    if (value instanceof Date) refuse(path, 'a Date', 'capture date.toISOString() instead');
    if (!Array.isArray(value) && !isPlainObject(value)) {
      refuse(path, `an instance of ${className(value) || 'an anonymous class'}`, 'capture plain objects, arrays, strings, numbers, booleans and null only');
    }
    ancestors.add(value);
    if (Array.isArray(value)) {
      Array.from(value, (item: unknown, i) => check(item, `${path}[${i}]`));
    } else {
      const symbol = Object.getOwnPropertySymbols(value).find((key) => Object.prototype.propertyIsEnumerable.call(value, key));
      if (symbol !== undefined) refuse(`${path}[${symbol.toString()}]`, 'a property with a symbol key', 'use a string key instead');
      for (const [key, item] of Object.entries(value)) {
        if (!isStorableText(key)) refuse(childPath(path, key), ...unstorableString(key, 'a key'));
        if (item !== undefined) check(item, childPath(path, key));
      }
    }
    ancestors.delete(value);
  };

  if (typeof captured !== 'object' || Array.isArray(captured) || !attempt(() => isPlainObject(captured), false)) {
    const kind = Array.isArray(captured) ? 'an array'
      : typeof captured === 'object' ? `an instance of ${attempt(() => className(captured), '') || 'an anonymous class'}` : `a ${typeof captured}`;
    refuse('context', kind, 'capture() must return a plain object of JSON values, or null');
  }
  check(captured, 'context');
  // Read again by JSON.stringify: a getter may answer differently the second time (or throw now).
  let json: string;
  try {
    json = JSON.stringify(captured);
  } catch (error) {
    return refuse('context', `a value that threw when encoded (${messageOf(error)})`, 'capture plain data');
  }
  return { json, userId: userIdOf(captured as Record<string, unknown>, refuse) };
}

function userIdOf(context: Record<string, unknown>, refuse: (path: string, what: string, hint: string) => never): string | null {
  // Read again (it went to JSON already): a getter may throw this time.
  const value = attempt(() => context[USER_ID_KEY], Symbol.for('unreadable'));
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || (typeof value === 'string' && value !== '')) return String(value);
  return refuse(`context.${USER_ID_KEY}`, typeof value === 'symbol' ? 'a value that threw when read' : JSON.stringify(value), 'it goes to the user_id column: capture a non-empty string or a number');
}
