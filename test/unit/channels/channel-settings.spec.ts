import { describe, expect, it } from '@jest/globals';
import { parseChannelsConfig } from '../../../lib/channels/channel-config.js';
import { applyChannelSettings, type ChannelSetting } from '../../../lib/channels/channel-settings.js';
import { ChannelTree } from '../../../lib/channels/channel-tree.js';

const setting = (channel: string, values: Partial<ChannelSetting>): ChannelSetting => ({
  channel, paused: null, pausedBy: null, pausedAt: null, capacity: null, throttle: null, sequential: null, rate: null, limitsBy: null, limitsAt: null, ...values,
});

const effective = (config: string, ...settings: ChannelSetting[]) => new ChannelTree(applyChannelSettings(parseChannelsConfig(config), settings));

describe('applyChannelSettings: run-time settings over the channels configuration', () => {
  it('null columns keep the configured values', () => {
    expect(effective('root:4,root.sale:2:throttle=3', setting('root.sale', {})).get('root.sale')).toEqual(
      { name: 'root.sale', capacity: 2, sequential: false, throttle: 3, paused: false, maxPending: null },
    );
  });

  it('set columns win: capacity (0 = unlimited), throttle, pause; resume wins over a configured pause', () => {
    const tree = effective('root:4,root.sale:2,root.mail:1:paused',
      setting('root.sale', { capacity: 0, throttle: 1.5, paused: true }), setting('root.mail', { paused: false }));
    expect(tree.get('root.sale')).toEqual({ name: 'root.sale', capacity: null, sequential: false, throttle: 1.5, paused: true, maxPending: null });
    expect(tree.get('root.mail')!.paused).toBe(false);
  });

  it('a channel the configuration does not list is added, unlimited unless set, under its parents', () => {
    const tree = effective('root:4', setting('root.eu.mail', { paused: true }));
    expect(tree.get('root.eu.mail')).toEqual({ name: 'root.eu.mail', capacity: null, sequential: false, throttle: 0, paused: true, maxPending: null });
    expect(tree.path('root.eu.mail.fr').map((c) => c.name)).toEqual(['root', 'root.eu', 'root.eu.mail']);
  });

  it('sequential holds only with capacity 1', () => {
    expect(effective('root:4,root.seq:1:sequential', setting('root.seq', { capacity: 3 })).get('root.seq')).toMatchObject({ capacity: 3, sequential: false });
    expect(effective('root:4,root.seq:2', setting('root.seq', { capacity: 1, sequential: true })).get('root.seq')).toMatchObject({ capacity: 1, sequential: true });
  });
});
