import { describe, expect, it } from '@jest/globals';
import type { JobFunction } from '../../../lib/discovery/job-function.js';
import { JobFunctionRegistry } from '../../../lib/discovery/job-function.registry.js';
import { JobLeases } from '../../../lib/runner/job-leases.js';

function registry(leases: Record<string, number | null>): JobFunctionRegistry {
  const r = new JobFunctionRegistry();
  for (const [name, leaseSeconds] of Object.entries(leases)) {
    r.add({ name, serviceName: 'S', methodName: name, instance: {}, method: () => undefined, options: {}, channel: 'root',
      retryPattern: null, relatedAction: null, timeout: null, leaseSeconds, onMissingRecord: 'fail', declarer: 'M' } satisfies JobFunction);
  }
  return r;
}

describe('JobLeases', () => {
  const leases = new JobLeases(registry({ '<S>.cpu': 120, '<S>.quick': 3, '<S>.plain': null }), 30);

  it("a job function's own lease, else the runner's", () => {
    expect([leases.of('<S>.cpu'), leases.of('<S>.plain'), leases.of('<S>.unknown')]).toEqual([120, 30, 30]);
  });

  it('beats every third of the shortest lease in use', () => {
    expect(leases.heartbeatMs()).toBe(1_000);
    expect(new JobLeases(registry({ '<S>.cpu': 120 }), 30).heartbeatMs()).toBe(10_000);
  });

  it('extends, after a claim, only the jobs whose function has a lease of its own', () => {
    const claimed = [
      { id: '1', job_function: '<S>.cpu', lease_token: 't1' }, { id: '2', job_function: '<S>.plain', lease_token: 't2' },
      { id: '3', job_function: '<S>.quick', lease_token: 't3' },
    ];
    expect(leases.ownLeases(claimed)).toEqual({ ids: ['1', '3'], tokens: ['t1', 't3'], seconds: [120, 3] });
    expect(leases.lengths()).toEqual({ byFunction: { '<S>.cpu': 120, '<S>.quick': 3 }, default: 30 });
  });
});
