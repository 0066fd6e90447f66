/** Calls that a bulk enqueue inserts in one statement, at most: larger calls go in chunks. */
export const BULK_CHUNK = 500;
/** The first chunk of a large call: small, so that the database starts inserting early. */
const FIRST_CHUNK = 200;

/**
 * The chunks of a large bulk call, as `[start, end)` ranges of its calls: a small first one, then
 * the rest in equal chunks of at most BULK_CHUNK (1000 calls: 200, 400, 400). Each chunk is prepared
 * while the previous one is inserted, and preparing costs the process less than inserting costs the
 * database: the database waits for the process only while the first chunk is prepared.
 */
export function bulkChunks(total: number): Array<[number, number]> {
  if (total <= FIRST_CHUNK) return [[0, total]];
  const rest = total - FIRST_CHUNK;
  const count = Math.ceil(rest / BULK_CHUNK);
  const chunks: Array<[number, number]> = [[0, FIRST_CHUNK]];
  for (let i = 0; i < count; i++) chunks.push([FIRST_CHUNK + Math.floor((i * rest) / count), FIRST_CHUNK + Math.floor(((i + 1) * rest) / count)]);
  return chunks;
}
