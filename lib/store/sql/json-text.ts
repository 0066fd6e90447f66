/**
 * Pieces of JSON text for the statements that send rows as one JSON array (the bulk insert, the
 * outcomes of a claim cycle): values already encoded as JSON are spliced in as they are, so nothing
 * is parsed and encoded twice on the hot path.
 */

/** A JSON string (or null). PostgreSQL text cannot hold NUL: it becomes U+FFFD, so that a message never blocks a write. */
export const jsonText = (value: string | null): string =>
  value === null ? 'null' : JSON.stringify(value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value);

/** The last date written: the outcomes of a claim's jobs mostly start and end within the same millisecond. */
let lastDate = { time: Number.NaN, json: '' };

export function jsonDate(value: Date | null): string {
  if (value === null) return 'null';
  const time = value.getTime();
  if (time !== lastDate.time) lastDate = { time, json: `"${value.toISOString()}"` };
  return lastDate.json;
}

/** JSON text spliced as is, with `\u0000` escapes (that jsonb refuses) turned into U+FFFD. */
export const jsonRaw = (json: string | null): string =>
  json === null ? 'null' : json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
