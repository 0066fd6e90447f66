import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../lib/enqueue/argument-serializer.js';
import { identityExact } from '../../../lib/enqueue/identity-key.js';

describe('identityExact', () => {
  // Keys of jobs already in a database must not change with a new version: these were computed by the
  // version that handed identity key functions the stored arguments as `args`.
  it.each<[string, JsonValue[], string]>([
    ['<KeyedService>.first', [10], 'a93bef5f6e63d7a7f75294762d3b5bec760f7976'],
    ['<ShopService>.ship', [{ $record: { entity: 'ShopOrder', id: 42 } }, { $date: '2030-01-01T00:00:00.000Z' }, 'note'],
      '98ca311d75e82ed476f7f906a1f21951d95eac82'],
  ])('%s: the key of the stored arguments is the one earlier versions stored', (jobFunction, storedArgs, key) => {
    expect(identityExact({ jobFunction, storedArgs })).toBe(key);
  });

});
