import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isolateOutcomes, refusedOutcome } from '../../../lib/runner/isolate-outcomes.js';
import type { JobOutcomeRow } from '../../../lib/store/sql/record-outcomes.sql.js';

const outcome = (id: number): JobOutcomeRow => ({
  id: String(id), uuid: `u${id}`, inGraph: false, leaseToken: 't', state: 'done', result: '1', excName: null, excMessage: null,
  excInfo: null, eta: null, retryDelta: 0, dateStarted: new Date(0), dateDone: new Date(0), execTime: 0,
});

const refusedByDatabase = () => Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
const connectionLost = () => new Error('Connection terminated unexpectedly');

describe('isolateOutcomes (a refused batch written apart)', () => {
  it('any batch and any refused subset: the refused ones stand alone, every other one is written once', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 64 }).chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n }))),
      async ([n, badIndexes]) => {
        const rows = Array.from({ length: n }, (_, i) => outcome(i));
        const bad = new Set(badIndexes.map(String));
        const written: string[] = [];
        let writes = 0;
        const result = await isolateOutcomes(rows, async (batch) => {
          writes++;
          if (batch.some((o) => bad.has(o.id))) throw refusedByDatabase();
          written.push(...batch.map((o) => o.id));
          return new Set(batch.map((o) => o.id));
        });
        expect(result.refused.map((r) => r.outcome.id).sort()).toEqual([...bad].sort());
        expect([...result.recorded].sort()).toEqual(rows.map((o) => o.id).filter((id) => !bad.has(id)).sort());
        expect(written.length).toBe(new Set(written).size);
        expect(result.unwritten).toEqual([]);
        // One bad outcome among n costs about 2·log2(n) writes, not n.
        if (bad.size === 1) expect(writes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
      },
    ));
  });

  it('a lost connection stops the search: what was not written is handed back, nothing is called refused', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => outcome(i));
    let calls = 0;
    const result = await isolateOutcomes(rows, async (batch) => {
      calls++;
      if (calls === 1) throw refusedByDatabase();
      if (calls === 2) throw connectionLost();
      return new Set(batch.map((o) => o.id));
    });
    expect(result.refused).toEqual([]);
    expect(result.unwritten.map((o) => o.id).sort()).toEqual(rows.map((o) => o.id).sort());
  });

  it('a refused outcome becomes a failure carrying the database error', () => {
    const error = Object.assign(refusedByDatabase(), { detail: 'Unicode low surrogate must follow a high surrogate.' });
    const failed = refusedOutcome({ ...outcome(7), result: '"\\ud800"' }, error);
    expect(failed).toMatchObject({ id: '7', leaseToken: 't', state: 'failed', result: null, excName: 'UnstorableOutcome' });
    expect(failed.excMessage).toBe("The database refused to store this job's outcome (done): invalid input syntax for type json");
    expect(failed.excInfo).toContain('SQLSTATE 22P02\nDETAIL: Unicode low surrogate must follow a high surrogate.');
  });
});
