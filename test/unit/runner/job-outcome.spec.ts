import { describe, expect, it } from '@jest/globals';
import { encodeResult } from '../../../lib/runner/storable-outcome.js';

describe('encodeResult (the result column)', () => {
  it('JSON of what the job returned; nothing for undefined, JSON null for null', () => {
    expect(encodeResult(undefined)).toBeNull();
    expect(encodeResult(null)).toBe('null');
    expect(encodeResult({ n: 1, list: ['a', true], at: new Date('2024-01-02T03:04:05.000Z') })).toBe('{"n":1,"list":["a",true],"at":"2024-01-02T03:04:05.000Z"}');
    expect(encodeResult(() => 1)).toBeNull();
  });

  it('bigints, at any depth, as their digits', () => {
    expect(encodeResult(12345678901234567890n)).toBe('"12345678901234567890"');
    expect(encodeResult({ total: { cents: 5n }, other: 1 })).toBe('{"total":{"cents":"5"},"other":1}');
  });

  it('what JSON cannot hold is described instead of failing the job', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const stored = JSON.parse(encodeResult(cycle)!) as string;
    expect(stored).toMatch(/^\[unserializable result: \[object Object\]: Converting circular structure to JSON/);
  });
});
