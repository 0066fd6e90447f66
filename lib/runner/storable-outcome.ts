import { describeThrown, describeValue, messageOf, type ThrownDescription } from '../errors/describe-thrown.js';
import { storableJson, storableText } from '../store/sql/json-text.js';

/**
 * What a job returns or throws is hostile until stored: it may not be JSON, may throw when read, may
 * be huge, may hold text PostgreSQL refuses. These turn it into columns that can always be written;
 * each change leaves a note in the stored value (docs/reliability.md, "Poison isolation").
 */

/** Longest `result`, in characters of JSON text; a longer one is stored as a string: its start and a note. */
export const MAX_RESULT_CHARS = 1_048_576;
/** Longest `exc_message` (and a retry's message in `result`). */
export const MAX_MESSAGE_CHARS = 65_536;
/** Longest `exc_info` (a stack). */
export const MAX_STACK_CHARS = 262_144;
/** Longest `exc_name`. */
export const MAX_NAME_CHARS = 200;

/**
 * The return value as JSON text for the `result` column: bigints as their digits; a value JSON cannot
 * encode at all (a cycle, a getter or `toJSON` that throws, nesting past the stack) described instead.
 * Tried first without a replacer (a replacer turns V8's fast path off).
 */
export function encodeResult(value: unknown): string | null {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = encodeWithBigInts(value);
  }
  if (json === undefined) return null;
  return json.length > MAX_RESULT_CHARS
    ? JSON.stringify(truncated(json, MAX_RESULT_CHARS, 'characters of JSON'))
    : storableJson(json);
}

function encodeWithBigInts(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch (error) {
    return JSON.stringify(`[unserializable result: ${describeValue(value)}: ${messageOf(error)}]`);
  }
}

/** Text for a text column: storable, and cut at `limit` characters with a note. */
export function storableMessage(text: string, limit: number = MAX_MESSAGE_CHARS): string {
  return text.length > limit ? truncated(text, limit, 'characters') : storableText(text);
}

function truncated(text: string, limit: number, unit: string): string {
  return `${storableText(text.slice(0, limit))}… [truncated: ${text.length} ${unit}, the limit is ${limit}]`;
}

/** What was thrown, as columns: storable, and each cut at its limit. */
export function storableThrown(error: unknown): ThrownDescription {
  const { name, message, stack } = describeThrown(error);
  return { name: storableMessage(name, MAX_NAME_CHARS), message: storableMessage(message), stack: storableMessage(stack, MAX_STACK_CHARS) };
}
