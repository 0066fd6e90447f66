import { Inject, Injectable } from '@nestjs/common';
import { QUEUE_JOB_RESOLVED_OPTIONS } from '../queue-job.constants.js';
import type { ResolvedQueueJobOptions } from '../queue-job.options.js';
import { changeChannelSetting, readChannelAudit, readChannelSettings, type ChannelAction, type ChannelAuditEntry } from '../store/channel-settings.js';
import { JobStore } from '../store/job-store.js';
import { storableText } from '../store/sql/json-text.js';
import { applyChannelSettings, checkedChannelLimits, checkedChannelName, type ChannelLimits, type ChannelSetting } from './channel-settings.js';
import { ChannelTree } from './channel-tree.js';

/** Who changed a channel, for its audit entry (default "system"). */
export interface ChannelActionOptions {
  by?: string;
}

const DEFAULT_ACTOR = 'system';

/**
 * Pauses, resumes and resizes channels at run time, for every instance at once: settings stored over
 * the channels configuration, each change audited and announced by NOTIFY (the runners apply it at once).
 */
@Injectable()
export class ChannelSettingsService {
  /** This instance's channels configuration, before the run-time settings. */
  readonly configured: ChannelTree;

  constructor(
    private readonly store: JobStore,
    @Inject(QUEUE_JOB_RESOLVED_OPTIONS) options: ResolvedQueueJobOptions,
  ) {
    this.configured = ChannelTree.parse(options.channels);
  }

  /** No job of the channel or its sub-channels starts any more; running ones finish. */
  async pause(name: string, options: ChannelActionOptions = {}): Promise<ChannelSetting> {
    return this.change(checkedChannelName(name), 'pause', { paused: true }, options);
  }

  /** Jobs of the channel start again (even if the configuration says `paused`). */
  async resume(name: string, options: ChannelActionOptions = {}): Promise<ChannelSetting> {
    return this.change(checkedChannelName(name), 'resume', { paused: false }, options);
  }

  /** Capacity (0 = unlimited), throttle (seconds), sequential and rate, over the configuration; those left out keep their value. */
  async setLimits(name: string, limits: ChannelLimits, options: ChannelActionOptions = {}): Promise<ChannelSetting> {
    const channel = checkedChannelName(name);
    const checked = checkedChannelLimits(channel, limits, (await this.effectiveChannels()).get(channel));
    return this.change(channel, 'setLimits', { ...checked }, options);
  }

  /** Back to the configuration's capacity, throttle, sequential flag and rate (a pause stays). */
  async resetLimits(name: string, options: ChannelActionOptions = {}): Promise<ChannelSetting> {
    return this.change(checkedChannelName(name), 'resetLimits', { capacity: null, throttle: null, sequential: null, rate: null }, options);
  }

  /** Every channel's run-time settings. */
  settings(): Promise<ChannelSetting[]> {
    return readChannelSettings(this.store);
  }

  /** The latest changes, newest first (of one channel, or of all). */
  async audit(name?: string, limit = 100): Promise<ChannelAuditEntry[]> {
    return readChannelAudit(this.store, name === undefined ? null : checkedChannelName(name), limit);
  }

  /** This instance's channels configuration with the run-time settings over it. */
  async effectiveChannels(settings?: ChannelSetting[]): Promise<ChannelTree> {
    return new ChannelTree(applyChannelSettings(this.configured.channels, settings ?? (await this.settings())));
  }

  private change(channel: string, action: ChannelAction, changes: Record<string, unknown>, options: ChannelActionOptions): Promise<ChannelSetting> {
    return changeChannelSetting(this.store, channel, action, changes, storableText(options.by ?? DEFAULT_ACTOR));
  }
}
