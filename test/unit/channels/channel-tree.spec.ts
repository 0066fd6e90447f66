import { describe, expect, it } from '@jest/globals';
import { parseChannelsConfig } from '../../../lib/channels/channel-config.js';
import { normalizeChannelName } from '../../../lib/channels/channel-name.js';
import { ChannelTree } from '../../../lib/channels/channel-tree.js';
import { ChannelConfigError } from '../../../lib/errors/channel-config.error.js';

const names = (tree: ChannelTree, channel: string): string[] => tree.path(channel).map((c) => c.name);

describe('ChannelTree', () => {
  const tree = ChannelTree.parse('root:4,sale:2,sale.eu.fr:1');

  it('normalises names like the parser', () => {
    expect(normalizeChannelName('sale')).toBe('root.sale');
    expect(normalizeChannelName(' root.sale ')).toBe('root.sale');
    expect(normalizeChannelName('root')).toBe('root');
    expect(normalizeChannelName('')).toBe('root');
    expect(tree.get('sale')?.capacity).toBe(2);
    expect(tree.get('root.sale')?.capacity).toBe(2);
    expect(tree.get('root.mail')).toBeUndefined();
  });

  it('creates missing parents unlimited', () => {
    expect(tree.get('sale.eu')).toEqual({ name: 'root.sale.eu', capacity: null, sequential: false, throttle: 0, paused: false, maxPending: null });
    expect(tree.channels.map((c) => c.name)).toEqual(['root', 'root.sale', 'root.sale.eu', 'root.sale.eu.fr']);
  });

  it('paths go from root down to the channel when configured', () => {
    expect(names(tree, 'root')).toEqual(['root']);
    expect(names(tree, 'sale')).toEqual(['root', 'root.sale']);
    expect(names(tree, 'root.sale.eu.fr')).toEqual(['root', 'root.sale', 'root.sale.eu', 'root.sale.eu.fr']);
  });

  it('paths of unconfigured channels stop at the nearest configured ancestor', () => {
    expect(names(tree, 'root.mail')).toEqual(['root']);
    expect(names(tree, 'sale.us')).toEqual(['root', 'root.sale']);
    expect(names(tree, 'root.sale.eu.fr.paris')).toEqual(['root', 'root.sale', 'root.sale.eu', 'root.sale.eu.fr']);
    expect(tree.owner('sale.us').name).toBe('root.sale');
  });

  it('adds root (capacity 1) and parents to configs given directly', () => {
    const direct = new ChannelTree([{ name: 'a.b', capacity: 3, sequential: false, throttle: 0, paused: false, maxPending: null }]);
    expect(direct.channels).toEqual(parseChannelsConfig('a.b:3'));
  });

  it('parse throws ChannelConfigError on a bad configuration', () => {
    expect(() => ChannelTree.parse('a:b')).toThrow(ChannelConfigError);
  });
});
