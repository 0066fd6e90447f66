import { describe, expect, it, jest } from '@jest/globals';
import { newJobUuid } from '../../../lib/enqueue/job-uuid.js';

const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisecondsOf = (uuid: string) => parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);

describe('newJobUuid', () => {
  it('makes version 7 uuids (RFC 9562 variant) whose first 48 bits are the current time in milliseconds', () => {
    const before = Date.now();
    const uuid = newJobUuid();
    const after = Date.now();
    expect(uuid).toMatch(VERSION_7);
    expect(millisecondsOf(uuid)).toBeGreaterThanOrEqual(before);
    expect(millisecondsOf(uuid)).toBeLessThanOrEqual(after);
  });

  it('sorts later uuids after earlier ones (PostgreSQL compares uuids byte by byte, as their text sorts)', () => {
    const now = jest.spyOn(Date, 'now');
    try {
      const times = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_001_000, 2_000_000_000_000];
      const uuids = times.map((t) => { now.mockReturnValue(t); return newJobUuid(); });
      expect(uuids.map(millisecondsOf)).toEqual(times);
      expect([...uuids].sort()).toEqual(uuids);
    } finally {
      now.mockRestore();
    }
  });

  it('keeps 74 random bits: many uuids of the same millisecond are all different', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    try {
      const uuids = Array.from({ length: 10_000 }, () => newJobUuid());
      expect(new Set(uuids).size).toBe(10_000);
      expect(uuids.every((uuid) => VERSION_7.test(uuid) && uuid.startsWith('01a3185c-5000-7'))).toBe(true);
    } finally {
      now.mockRestore();
    }
  });
});
