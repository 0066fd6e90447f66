import { describe, expect, it } from '@jest/globals';
import type { CandidateJob } from '../../../lib/channels/channel-job.js';
import { ChannelTree } from '../../../lib/channels/channel-tree.js';
import { type DispatchSnapshot, selectJobsToStart } from '../../../lib/channels/dispatch.js';
import { candidate } from './channel-fixtures.js';

const NOW = 100;

function dispatch(config: string, pending: CandidateJob[], extra: Partial<DispatchSnapshot> = {}, limit?: number) {
  const snapshot: DispatchSnapshot = { running: new Map(), failedChannels: new Set(), lastStart: new Map(), pending, ...extra };
  const decision = selectJobsToStart(ChannelTree.parse(config), snapshot, NOW, limit);
  return { ...decision, ids: decision.start.map((job) => job.id) };
}

const jobs = (channel: string, count: number, prefix = channel): CandidateJob[] =>
  Array.from({ length: count }, (_, i) => candidate(`${prefix}${i + 1}`, channel));

describe('selectJobsToStart: hierarchy and capacity', () => {
  it('caps the sum of a parent\'s children by the parent\'s capacity', () => {
    const pending = [...jobs('a', 3), ...jobs('a.b', 3, 'b')];
    expect(dispatch('root:3,a:2,a.b:2', pending).ids).toEqual(['a1', 'a2']);
    expect(dispatch('root:3,a:2,a.b:2', jobs('a.b', 3, 'b')).ids).toEqual(['b1', 'b2']);
  });

  it('counts running jobs of sub-channels in their ancestors', () => {
    const pending = [...jobs('a', 2), ...jobs('c', 2)];
    const running = new Map([['root.a.b', 1]]);
    expect(dispatch('root:3,a:2,a.b:2,c:5', pending, { running }).ids).toEqual(['a1', 'c1']);
  });

  it('runs an unconfigured channel unlimited under its nearest configured ancestor', () => {
    expect(dispatch('root:10,sale:2', jobs('sale.eu', 3)).ids).toEqual(['sale.eu1', 'sale.eu2']);
    const running = new Map([['root.sale.eu', 1]]);
    expect(dispatch('root:10,sale:2', [...jobs('sale', 2), ...jobs('sale.us', 1)], { running }).ids).toEqual(['sale1']);
    expect(dispatch('root:3', jobs('mail', 5)).ids).toEqual(['mail1', 'mail2', 'mail3']);
  });

  it('treats capacity 0 as unlimited, root included', () => {
    expect(dispatch('root:0', jobs('x', 50)).ids).toHaveLength(50);
    expect(dispatch('root:2,a:0', jobs('a', 5)).ids).toEqual(['a1', 'a2']);
    expect(dispatch('root:0,a:0,a.b:1', [...jobs('a', 3), ...jobs('a.b', 3, 'b')]).ids).toEqual(['a1', 'a2', 'a3', 'b1']);
  });

  it('starts nothing when root is full', () => {
    expect(dispatch('root:2', jobs('root', 3), { running: new Map([['root', 2]]) }).ids).toEqual([]);
  });

  it('caps the starts of one call by limit, in queue order', () => {
    const pending = [candidate('late', 'a', { priority: 20 }), ...jobs('b', 3)];
    expect(dispatch('root:0', pending, {}, 2).ids).toEqual(['b1', 'b2']);
    expect(dispatch('root:0', pending, {}, 0).ids).toEqual([]);
  });
});

describe('selectJobsToStart: order and etas', () => {
  it('orders by priority, then creation date, then row id, across channels', () => {
    const pending = [
      candidate('p10', 'a', { priority: 10 }),
      candidate('p1-newer', 'b', { priority: 1, dateCreated: 5, seq: 2 }),
      candidate('p1-older', 'a', { priority: 1, dateCreated: 4, seq: 9 }),
      candidate('p1-same-date', 'b', { priority: 1, dateCreated: 5, seq: 1 }),
    ];
    expect(dispatch('root:0', pending).ids).toEqual(['p1-older', 'p1-same-date', 'p1-newer', 'p10']);
  });

  it('lets a due job with an eta compete on priority alone', () => {
    const pending = [candidate('older', 'a'), candidate('due-eta', 'a', { eta: 50 }), candidate('urgent', 'a', { priority: 1, eta: 99 })];
    expect(dispatch('root:0', pending).ids).toEqual(['urgent', 'older', 'due-eta']);
  });

  it('never starts a job before its eta and wakes up at the earliest one', () => {
    const pending = [candidate('later', 'a', { eta: 130 }), candidate('soon', 'b', { eta: 110 }), candidate('now', 'a')];
    const decision = dispatch('root:0', pending);
    expect(decision.ids).toEqual(['now']);
    expect(decision.nextWakeup).toBe(110);
  });

  it('has no wakeup when nothing waits for a time', () => {
    expect(dispatch('root:1', jobs('a', 3)).nextWakeup).toBeNull();
  });
});

describe('selectJobsToStart: paused, throttle, sequential', () => {
  it('starts nothing under a paused channel, and does not wake up for it', () => {
    const pending = [...jobs('a', 1), ...jobs('a.b', 1, 'b'), candidate('a-eta', 'a', { eta: 150 }), ...jobs('c', 1)];
    const decision = dispatch('root:0,a:2:paused', pending);
    expect(decision.ids).toEqual(['c1']);
    expect(decision.nextWakeup).toBeNull();
    expect(dispatch('root:0:paused', pending).ids).toEqual([]);
  });

  it('throttles a channel and its sub-channels to one start per period', () => {
    const pending = [...jobs('a', 2), ...jobs('a.b', 2, 'b'), ...jobs('c', 1)];
    const first = dispatch('root:0,a:4:throttle=5', pending);
    expect(first.ids).toEqual(['a1', 'c1']);
    expect(first.lastStart).toEqual(new Map([['root.a', NOW]]));
    expect(first.nextWakeup).toBe(NOW + 5);
    const waiting = dispatch('root:0,a:4:throttle=5', jobs('a.b', 1), { lastStart: new Map([['root.a', NOW - 2]]) });
    expect(waiting.ids).toEqual([]);
    expect(waiting.nextWakeup).toBe(NOW + 3);
    expect(dispatch('root:0,a:4:throttle=5', jobs('a.b', 1), { lastStart: new Map([['root.a', NOW - 5]]) }).ids).toEqual(['a.b1']);
  });

  it('keeps a sequential channel in strict order: a head waiting for its eta holds back the rest', () => {
    const head = candidate('s-head', 's', { eta: 120 });
    const decision = dispatch('root:0,s:1:sequential', [head, ...jobs('s', 2)]);
    expect(decision.ids).toEqual([]);
    expect(decision.nextWakeup).toBe(120);
    expect(dispatch('root:0,s:1:sequential', [candidate('s-due', 's', { eta: 90 }), ...jobs('s', 2)]).ids).toEqual(['s-due']);
  });

  it('blocks a sequential channel holding a failed job, including jobs of its unconfigured sub-channels', () => {
    const pending = [...jobs('s', 1), ...jobs('s.x', 1, 'x'), ...jobs('c', 1)];
    expect(dispatch('root:0,s:1:sequential', pending, { failedChannels: new Set(['root.s.x']) }).ids).toEqual(['c1']);
    expect(dispatch('root:0,s:1:sequential', pending).ids).toEqual(['s1', 'c1']);
    expect(dispatch('root:0,c:1', pending, { failedChannels: new Set(['c']) }).ids).toEqual(['s1', 'x1', 'c1']);
  });
});

describe('selectJobsToStart: rate=N/S, a sliding window of starts', () => {
  it('starts at most N in the window, and wakes up when the oldest start leaves it', () => {
    const decision = dispatch('root:0,a:10:rate=3/10', jobs('a', 5));
    expect(decision.ids).toEqual(['a1', 'a2', 'a3']);
    expect(decision.recentStarts.get('root.a')).toEqual([NOW, NOW, NOW]);
    expect(decision.nextWakeup).toBe(NOW + 10);
  });

  it('counts the recent starts of the snapshot that are still in the window', () => {
    const recentStarts = new Map([['root.a', [NOW - 12, NOW - 9, NOW - 5]]]);
    const decision = dispatch('root:0,a:10:rate=3/10', jobs('a', 5), { recentStarts });
    expect(decision.ids).toEqual(['a1']);
    expect(decision.recentStarts.get('root.a')).toEqual([NOW - 9, NOW - 5, NOW]);
    expect(decision.nextWakeup).toBe(NOW - 9 + 10);
  });

  it('a full window holds the channel and its sub-channels; capacity still applies', () => {
    const recentStarts = new Map([['root.a', [NOW - 1, NOW - 1]]]);
    expect(dispatch('root:0,a:10:rate=2/10', [...jobs('a.b', 2, 'b'), ...jobs('c', 1)], { recentStarts }).ids).toEqual(['c1']);
    expect(dispatch('root:0,a:2:rate=5/10', jobs('a', 4)).ids).toEqual(['a1', 'a2']);
  });

  it('combines with a throttle: the later of the two releases', () => {
    const recentStarts = new Map([['root.a', [NOW - 1]]]);
    const decision = dispatch('root:0,a:4:throttle=5:rate=5/10', jobs('a', 2), { recentStarts, lastStart: new Map([['root.a', NOW - 2]]) });
    expect(decision.ids).toEqual([]);
    expect(decision.nextWakeup).toBe(NOW + 3);
  });
});
