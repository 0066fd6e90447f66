import { describe, expect, it } from '@jest/globals';
import { fleetTimings } from '../../../lib/fleet/fleet-timings.js';

describe('fleetTimings', () => {
  it('beats every 5 s and sweeps once a minute with the default grace of 600 s', () => {
    expect(fleetTimings(600)).toEqual({ heartbeatMs: 5_000, sweepMs: 60_000 });
  });

  it('beats several times within a short grace and sweeps every tenth of it, never more often than every 200 ms', () => {
    expect(fleetTimings(8)).toEqual({ heartbeatMs: 2_000, sweepMs: 800 });
    expect(fleetTimings(1)).toEqual({ heartbeatMs: 250, sweepMs: 200 });
  });
});
