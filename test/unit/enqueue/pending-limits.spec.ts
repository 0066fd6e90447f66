import { describe, expect, it } from '@jest/globals';
import { ChannelTree } from '../../../lib/channels/channel-tree.js';
import { countByChannel, PendingLimits } from '../../../lib/enqueue/pending-limits.js';

describe('PendingLimits', () => {
  const limits = new PendingLimits(ChannelTree.parse('root:4:maxPending=50,mail:2:maxPending=10,mail.digest:1,sale:0:maxPending=3'));

  it('gives the room a call needs in its limited channels only, in one order for every caller', () => {
    const adding = countByChannel(['root.sale', 'root.mail.digest', 'root.mail', 'root.sale', 'root', 'root.other']);
    expect(limits.any).toBe(true);
    expect(limits.needed(adding)).toEqual([
      { channel: 'root', maxPending: 50, adding: 1 },
      { channel: 'root.mail', maxPending: 10, adding: 1 },
      { channel: 'root.sale', maxPending: 3, adding: 2 },
    ]);
  });

  it('counts exactly the channel written: a sub-channel of a limited channel needs nothing of it', () => {
    expect(limits.needed(countByChannel(['root.mail.digest', 'root.mail.bulk']))).toEqual([]);
  });

  it('has nothing to check without any maxPending', () => {
    const none = new PendingLimits(ChannelTree.parse('root:4,mail:2'));
    expect(none.any).toBe(false);
    expect(none.needed(countByChannel(['root', 'root.mail']))).toEqual([]);
  });
});
