import { type ChannelConfig, completeChannels, parseChannelsConfig } from './channel-config.js';
import { channelLineage, normalizeChannelName } from './channel-name.js';

/** The configured channels as a tree: which limits apply to a job of a given channel. */
export class ChannelTree {
  private readonly byName: ReadonlyMap<string, ChannelConfig>;

  /** `configs` as returned by parseChannelsConfig; root and missing parents are added as the parser would. */
  constructor(configs: readonly ChannelConfig[]) {
    this.byName = new Map(completeChannels(configs).map((config) => [config.name, config]));
  }

  /** Parses a channels configuration string (throws ChannelConfigError). */
  static parse(text: string): ChannelTree {
    return new ChannelTree(parseChannelsConfig(text));
  }

  /** Every configured channel, parents before children. */
  get channels(): ChannelConfig[] {
    return [...this.byName.values()];
  }

  /** The configuration of a channel (`sale` = `root.sale`), if configured. */
  get(name: string): ChannelConfig | undefined {
    return this.byName.get(normalizeChannelName(name));
  }

  /**
   * Configured channels from root down to the channel itself, or to its nearest configured ancestor
   * when it is not configured: an unconfigured channel is unlimited, so its own level adds no limit.
   */
  path(channelName: string): ChannelConfig[] {
    const path: ChannelConfig[] = [];
    for (const name of channelLineage(channelName)) {
      const config = this.byName.get(name);
      // Parents of configured channels are always configured, so the first gap ends the path.
      if (config === undefined) break;
      path.push(config);
    }
    return path;
  }

  /** The configured channel whose queue a job of `channelName` joins: itself or its nearest configured ancestor. */
  owner(channelName: string): ChannelConfig {
    // Root is always configured, so the path is never empty.
    return this.path(channelName).at(-1) as ChannelConfig;
  }
}
