import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AdminActions } from '../../../lib/admin/api/admin-actions.service.js';
import type { JobService } from '../../../lib/enqueue/job.service.js';
import type { JobStore } from '../../../lib/store/job-store.js';
import { hostileThrown } from '../../support/hostile-values.js';

// A related action runs the app's @RelatedAction method: whatever it throws reaches the admin as it
// was thrown (one job), or as a message beside the others (several jobs).
describe('the admin when a related action throws anything', () => {
  const adminThrowing = (thrown: unknown) => new AdminActions(
    { relatedAction: () => Promise.reject(thrown) } as unknown as JobService, {} as JobStore);
  /** What `call` rejected with, kept in a box: resolving a promise with a hostile Proxy would read its `then`. */
  const rejectionOf = async (call: () => Promise<unknown>): Promise<{ value: unknown }> => {
    const box = { value: 'resolved' as unknown };
    try {
      await call();
    } catch (error) {
      box.value = error;
    }
    return box;
  };
  const trapProxy = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });

  it('one job: the very value thrown', async () => {
    await fc.assert(fc.asyncProperty(hostileThrown, async (thrown) => {
      expect(Object.is((await rejectionOf(() => adminThrowing(thrown).related('u1'))).value, thrown)).toBe(true);
    }), { numRuns: 100, examples: [[trapProxy]] });
  });

  it('several jobs: each answers, the failed one with a message', async () => {
    await fc.assert(fc.asyncProperty(hostileThrown, async (thrown) => {
      const results = await adminThrowing(thrown).relatedMany(['u1', 'u2']);
      expect(results.map((r) => r.uuid)).toEqual(['u1', 'u2']);
      for (const result of results) expect(typeof (result as { error: unknown }).error).toBe('string');
    }), { numRuns: 100, examples: [[trapProxy]] });
  });
});
