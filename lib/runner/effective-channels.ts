import { Logger } from '@nestjs/common';
import { parseChannelsConfig, type ChannelConfig } from '../channels/channel-config.js';
import { applyChannelSettings, type ChannelSetting } from '../channels/channel-settings.js';
import { ChannelTree } from '../channels/channel-tree.js';
import { messageOf } from '../errors/describe-thrown.js';
import { claimsInOneStatement } from '../store/claim-next.js';
import { SerialTask } from './serial-task.js';

/**
 * The channels a runner dispatches by: its configuration, with the run-time settings (pause, limits)
 * read from the database over it, read again whenever they change (NOTIFY, reconnection). Reads run
 * one at a time, so the last one applied is the latest.
 */
export class EffectiveChannels {
  private readonly logger = new Logger('QueueJob');
  private readonly configured: ChannelConfig[];
  private current: ChannelTree;
  private oneStatement: boolean;
  private readonly reloads = new SerialTask(() => this.reload());

  constructor(
    channelsConfig: string,
    private readonly readSettings: () => Promise<ChannelSetting[]>,
    /** Called after settings that changed were applied: dispatch again. */
    private readonly onChange: () => void,
  ) {
    this.configured = parseChannelsConfig(channelsConfig);
    this.current = new ChannelTree(this.configured);
    this.oneStatement = claimsInOneStatement(this.current.channels);
  }

  get tree(): ChannelTree {
    return this.current;
  }

  /** Capacities only (no sequential or throttled channel): a claim is one statement (claim-next.ts). */
  get claimsInOneStatement(): boolean {
    return this.oneStatement;
  }

  /** Reads the settings now (at start); a failure is thrown. */
  async load(): Promise<void> {
    this.apply(await this.readSettings());
  }

  /** Reads the settings again soon (they changed, or NOTIFYs may have been missed); a failure is logged. */
  refresh(): void {
    this.reloads.request();
  }

  private async reload(): Promise<boolean> {
    try {
      this.apply(await this.readSettings());
      this.onChange();
      return true;
    } catch (error) {
      this.logger.warn(`Could not read the run-time channel settings (${messageOf(error)}); keeping the previous ones until the next change`);
      return false;
    }
  }

  private apply(settings: ChannelSetting[]): void {
    this.current = new ChannelTree(applyChannelSettings(this.configured, settings));
    this.oneStatement = claimsInOneStatement(this.current.channels);
  }
}
