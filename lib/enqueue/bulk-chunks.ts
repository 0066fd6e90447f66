/** Calls that a bulk enqueue stores with one statement, at most: larger calls are streamed (`insertStreamed`). */
export const BULK_CHUNK = 500;

/**
 * Calls a streamed bulk enqueue prepares at a time, each batch sent as soon as it is ready: small
 * enough that the database starts inserting early and finishes soon after the last call is prepared.
 */
export const STREAM_BATCH = 100;
