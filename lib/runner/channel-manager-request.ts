import type { ChannelTree } from '../channels/channel-tree.js';
import { selectJobsToStart } from '../channels/dispatch.js';
import type { ClaimRequest } from '../store/claim-cycle.js';

/**
 * What the channel manager's claim cycle (`runClaimCycle`) asks for: up to `limit` jobs of these job
 * functions, chosen by the TypeScript channel logic from the snapshot the cycle reads under the claim
 * lock. `onWakeup` gets the time a job becomes startable that this decision had to pass over.
 */
export function channelManagerRequest(
  channels: ChannelTree, jobFunctions: readonly string[], limit: number, onWakeup: (t: number | null) => void,
): ClaimRequest {
  const configs = channels.channels;
  return {
    limit,
    sequentialChannels: configs.filter((c) => c.sequential).map((c) => c.name),
    throttledChannels: configs.filter((c) => c.throttle > 0).map((c) => c.name),
    rateChannels: configs.filter((c) => c.rate).map((c) => c.name),
    jobFunctions,
    decide: (snapshot, now) => {
      const decision = selectJobsToStart(channels, snapshot, now, limit);
      onWakeup(decision.nextWakeup);
      return { ids: decision.start.map((job) => job.id), lastStart: decision.lastStart, recentStarts: decision.recentStarts };
    },
  };
}
