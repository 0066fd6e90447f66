import { describe, expect, it } from '@jest/globals';
import { BULK_CHUNK, bulkChunks } from '../../../lib/enqueue/bulk-chunks.js';

describe('bulkChunks', () => {
  it('1000 calls: a first chunk of 200, then the rest in equal chunks', () => {
    expect(bulkChunks(1000)).toEqual([[0, 200], [200, 600], [600, 1000]]);
  });

  it.each([1, 200, 201, 501, 1201, 7777, 100_000])('%i calls: every call once, in order, no chunk over BULK_CHUNK', (total) => {
    const chunks = bulkChunks(total);
    expect(chunks[0]![0]).toBe(0);
    expect(chunks.at(-1)![1]).toBe(total);
    for (const [i, [start, end]] of chunks.entries()) {
      expect(end).toBeGreaterThan(start);
      expect(end - start).toBeLessThanOrEqual(BULK_CHUNK);
      if (i > 0) expect(start).toBe(chunks[i - 1]![1]);
    }
    // After the first, the chunks differ by one call at most: no small chunk at the end.
    const sizes = chunks.slice(1).map(([start, end]) => end - start);
    if (sizes.length > 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});
