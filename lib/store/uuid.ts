const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` can be a job uuid: checked before querying, so a malformed one reads as "no such job" instead of a pg syntax error. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
