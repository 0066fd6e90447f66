import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { serializeArguments, type JsonValue } from '../../../lib/enqueue/argument-serializer.js';
import { identityExact } from '../../../lib/enqueue/identity-key.js';
import { plainArgsJson } from '../../../lib/enqueue/plain-args-json.js';
import { prepareJob } from '../../../lib/enqueue/prepared-job.js';
import type { JobFunction } from '../../../lib/discovery/job-function.js';
import { hostileValue, storableByPostgres } from '../../support/hostile-values.js';
import { inspector, Order } from './fake-entities.js';

/** What the serializer stores for `args` (as the `args` column's text), or null when it refuses them. */
function serializedText(args: unknown[]): string | null {
  try {
    return JSON.stringify(serializeArguments(args, inspector).args);
  } catch {
    return null;
  }
}

/** Plain data as plainArgsJson takes it: no key starting with `$`, every string and key storable, shallow. */
function isPlainData(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return storableByPostgres(value);
  if (value === null || typeof value !== 'object') return true;
  if (depth > 50) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  return Object.entries(value).every(([key, item]) => !key.startsWith('$') && storableByPostgres(key) && isPlainData(item, depth + 1));
}

const fn = { name: '<Shop>.ship', serviceName: 'Shop', methodName: 'ship', channel: 'root', options: {} } as unknown as JobFunction;

describe('plainArgsJson: the args column of plain data, in one pass', () => {
  it('gives exactly what the serializer stores, or nothing (then the serializer decides): any value, hostile ones included', () => {
    fc.assert(fc.property(fc.array(fc.oneof(hostileValue, fc.jsonValue()), { maxLength: 3 }), (args) => {
      const fast = plainArgsJson(args, inspector);
      if (fast === undefined) return;
      expect(fast).toBe(serializedText(args));
    }), { numRuns: 1000 });
  });

  it('takes every call whose arguments are plain JSON data', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 4 }).filter((args) => isPlainData(args)), (args) => {
      expect(plainArgsJson(args, inspector)).toBe(JSON.stringify(args));
      expect(plainArgsJson(args, inspector)).toBe(serializedText(args));
    }), { numRuns: 500 });
  });

  it('leaves to the serializer what it tags or refuses', () => {
    const holey = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const throwing = Object.defineProperty({}, 'total', { enumerable: true, get: () => { throw new Error('not loaded'); } });
    class Money { constructor(readonly cents: number) {} }
    // An array given Date's prototype (and an iterator back): the serializer refuses it (getTime throws).
    const datedArray = Object.assign(Object.setPrototypeOf([1], Date.prototype), { [Symbol.iterator]: Array.prototype[Symbol.iterator] }) as unknown;
    for (const args of [[new Date(0)], [new Order(5)], [{ $set: 1 }], [holey], [undefined], [[undefined]], [1n], [NaN],
      ['cut \ud83d'], [{ ['k\0']: 1 }], [{ [Symbol('s')]: 1 }], [throwing], [new Money(5)], [{ toJSON: () => 'x' }], [datedArray]]) {
      expect(plainArgsJson(args, inspector)).toBeUndefined();
    }
    expect(serializedText([datedArray])).toBeNull();
    // An `undefined` property is left out, as JSON and the serializer do; a key with one that PostgreSQL cannot store is not.
    expect(plainArgsJson([{ a: undefined, b: 1 }], inspector)).toBe('[{"b":1}]');
    expect(plainArgsJson([{ ['k\ud800']: undefined }], inspector)).toBeUndefined();
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(plainArgsJson([deep], inspector)).toBeUndefined();
  });

  it('huge values: the same text as the serializer, or nothing when one character cannot be stored', () => {
    const big = 'é'.repeat(5_000_000);
    expect(plainArgsJson([big], inspector)).toBe(serializedText([big]));
    expect(plainArgsJson([{ text: `${big}\ud800` }], inspector)).toBeUndefined();
    expect(serializedText([{ text: `${big}\ud800` }])).toBeNull();
    const wide = Array.from({ length: 200_000 }, (_, i) => (i % 3 === 0 ? { i } : i % 3 === 1 ? `s${i}` : i / 7));
    expect(plainArgsJson([wide], inspector)).toBe(serializedText([wide]));
  });

  it('steps aside when an app has put a toJSON on a prototype, which changes what JSON.stringify writes', () => {
    const proto = Array.prototype as unknown as { toJSON?: () => string };
    let fast: string | undefined;
    let serialized: string | null;
    proto.toJSON = () => 'patched';
    try {
      fast = plainArgsJson([5], inspector);
      serialized = serializedText([5]);
    } finally {
      delete proto.toJSON;
    }
    expect(fast).toBeUndefined();
    expect(serialized).toBe('"patched"');
    expect(plainArgsJson([5], inspector)).toBe('[5]');
  });

  it('a prepared job stores the same row either way, and an identity key function sees the same stored arguments', () => {
    const seen: JsonValue[][] = [];
    const keyed = { ...fn, options: { identityKey: (job: { storedArgs: readonly JsonValue[] }) => { seen.push([...job.storedArgs]); return identityExact({ jobFunction: fn.name, storedArgs: job.storedArgs }); } } } as unknown as JobFunction;
    const plain = prepareJob(keyed, [{ id: 7, tags: ['a', 'é'] }, 2], {}, inspector);
    expect(plain.row.args).toBe('[{"id":7,"tags":["a","é"]},2]');
    expect(plain.row.records).toBe('[]');
    expect(seen).toEqual([[{ id: 7, tags: ['a', 'é'] }, 2]]);
    expect(plain.row.identityKey).toBe(identityExact({ jobFunction: fn.name, storedArgs: serializeArguments([{ id: 7, tags: ['a', 'é'] }, 2], inspector).args }));
    // Not plain: the serializer's tagged form, and the record listed.
    const tagged = prepareJob(fn, [new Order(5), new Date(0)], {}, inspector);
    expect(tagged.row.args).toBe('[{"$record":{"entity":"Order","id":5}},{"$date":"1970-01-01T00:00:00.000Z"}]');
    expect(tagged.row.records).toBe('[{"entity":"Order","id":5}]');
  });
});
