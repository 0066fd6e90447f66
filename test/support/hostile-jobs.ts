import type { TestDatabase } from './test-database.js';

/** Levels of nesting of the deep values: far past what JSON.stringify (recursive) survives. */
export const DEEP = 10_000;
/** Characters of the huge values. */
export const HUGE = 50 * 1024 * 1024;

/** `[[[…]]]`, as JSON text: built by concatenation, as no JSON value this deep can be stringified. */
export const deepArrayJson = (depth = DEEP) => '['.repeat(depth) + ']'.repeat(depth);
/** `{"a":{"a":…1…}}`, as JSON text. */
export const deepObjectJson = (depth = DEEP) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Overwrites a stored job with values nested DEEP levels: args, records and context arrays, an object as result, failed. */
export async function makeDeep(db: TestDatabase, uuid: string): Promise<void> {
  await db.pool.query(`UPDATE queue_job SET args = $2::jsonb, records = $2::jsonb, context = $3::jsonb, trace_context = $3::jsonb,
    dependencies = $3::jsonb, result = $3::jsonb, state = 'failed', exc_name = 'RecursionError', exc_message = 'too deep',
    exc_info = 'RecursionError: too deep' WHERE uuid = $1`, [uuid, deepArrayJson(), deepObjectJson()]);
}

/**
 * Overwrites a stored job with HUGE-character values: a JSON string as result, the exception's
 * class, message and stack, the call, the name; records that are a string, not a list; failed.
 */
export async function makeHuge(db: TestDatabase, uuid: string): Promise<void> {
  await db.pool.query(`UPDATE queue_job SET result = to_jsonb(repeat('r', $2)), func_string = repeat('f', $2), records = '"not a list"',
    exc_message = repeat('m', $2), exc_info = repeat('s', $2), exc_name = 'HugeError' || repeat('!', $2),
    name = repeat('n', $2), state = 'failed' WHERE uuid = $1`, [uuid, HUGE]);
}

/** The exception class of a huge job as the admin reads it: its first 1,000 characters. */
export const HUGE_EXC_NAME = `HugeError${'!'.repeat(1000 - 'HugeError'.length)}`;
