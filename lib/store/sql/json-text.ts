/**
 * Pieces of JSON text for the statements that send rows as one JSON array (the bulk insert, the
 * outcomes of a claim cycle): values already encoded as JSON are spliced in as they are, so nothing
 * is parsed and encoded twice on the hot path.
 *
 * PostgreSQL cannot store two things a JavaScript string can hold: NUL, and half of a UTF-16
 * surrogate pair (what `text.slice(0, n)` leaves when it cuts an emoji; jsonb refuses its `\ud800`
 * escape). Both become U+FFFD here, so that one job's text never blocks a write of many.
 */

/** NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one. */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** True when PostgreSQL can store the string as it is. */
export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

/** The string with NUL and lone surrogates replaced by U+FFFD. */
export const storableText = (value: string): string =>
  (UNSTORABLE.test(value) ? value.replace(UNSTORABLE_ALL, '\uFFFD') : value);

/** A JSON string (or null) PostgreSQL can store. */
export const jsonText = (value: string | null): string => (value === null ? 'null' : JSON.stringify(storableText(value)));

/** The last date written: the outcomes of a claim's jobs mostly start and end within the same millisecond. */
let lastDate = { time: Number.NaN, json: '' };

export function jsonDate(value: Date | null): string {
  if (value === null) return 'null';
  const time = value.getTime();
  if (time !== lastDate.time) lastDate = { time, json: `"${value.toISOString()}"` };
  return lastDate.json;
}

/** JSON text spliced as is, made storable (see {@link storableJson}). */
export const jsonRaw = (json: string | null): string => (json === null ? 'null' : storableJson(json));

/** A `\uXXXX` escape and the backslashes before it (an odd count: an escape; even: escaped backslashes then text). */
const ESCAPE = /(\\+)u([0-9a-fA-F]{4})/g;
const LOW_ESCAPE_AHEAD = /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/;

/**
 * JSON text (as JSON.stringify writes it: NUL and lone surrogates as `\u` escapes, never raw) with
 * the escapes jsonb refuses — `\u0000` and unpaired surrogates — turned into `\ufffd`.
 */
export function storableJson(json: string): string {
  if (!json.includes('\\u')) return json;
  let pairedLowAt = -1;
  return json.replace(ESCAPE, (match: string, slashes: string, hex: string, offset: number) => {
    if (slashes.length % 2 === 0) return match;
    const unit = Number.parseInt(hex, 16);
    const end = offset + match.length;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (LOW_ESCAPE_AHEAD.test(json.slice(end, end + 6))) {
        pairedLowAt = end;
        return match;
      }
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      if (offset + slashes.length - 1 === pairedLowAt) return match;
    } else if (unit !== 0) {
      return match;
    }
    return `${slashes.slice(1)}\\ufffd`;
  });
}
