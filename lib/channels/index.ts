export { CHANNEL_OPTIONS, DEFAULT_CHANNELS, MAX_CHANNEL_CAPACITY, parseChannelsConfig, type ChannelConfig } from './channel-config.js';
export { normalizeChannelName, ROOT_CHANNEL } from './channel-name.js';
export { ChannelTree } from './channel-tree.js';
export { compareJobs, type CandidateJob } from './channel-job.js';
export { selectJobsToStart, type DispatchDecision, type DispatchSnapshot } from './dispatch.js';
export { ChannelQueue } from './channel-queue.js';
export { ChannelManager, type ManagedJob } from './channel-manager.js';
