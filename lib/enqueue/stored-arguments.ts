import { serializeArguments, type EntityInspector, type JsonValue } from './argument-serializer.js';
import { plainArgsJson } from './plain-args-json.js';

/** A call's arguments as its job stores them: the `args` and `records` columns. */
export interface StoredArguments {
  args: string;
  records: string;
  /** The serializer's tagged form, when the call needed it; else the parsed `args` is the same. */
  tagged?: JsonValue[];
}

/**
 * Plain data is written as it is read (plainArgsJson); anything else is tagged, or refused with its
 * path, by serializeArguments. Both give the same text for what both take.
 */
export function storedArguments(args: readonly unknown[], inspector: EntityInspector): StoredArguments {
  const plain = plainArgsJson(args, inspector);
  if (plain !== undefined) return { args: plain, records: '[]' };
  const serialized = serializeArguments(args, inspector);
  return { args: JSON.stringify(serialized.args), records: JSON.stringify(serialized.records), tagged: serialized.args };
}
