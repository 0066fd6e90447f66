import { describe, expect, it } from '@jest/globals';
import { ChannelManager } from '../../../lib/channels/channel-manager.js';
import { ChannelQueue } from '../../../lib/channels/channel-queue.js';
import { ChannelTree } from '../../../lib/channels/channel-tree.js';
import { ChannelConfigError } from '../../../lib/errors/channel-config.error.js';
import { JobState } from '../../../lib/store/job-state.js';
import { candidate, pending } from './channel-fixtures.js';

describe('ChannelManager', () => {
  it('accepts a tree or a configuration string, and refuses a bad string', () => {
    const manager = new ChannelManager(ChannelTree.parse('root:2'));
    ['a', 'b', 'c'].forEach((id) => manager.upsert(pending(id, 'root')));
    expect(manager.getJobsToRun(0)).toEqual(['a', 'b']);
    expect(() => new ChannelManager('root:two')).toThrow(ChannelConfigError);
  });

  it('keeps started jobs as running until they leave a running state', () => {
    const manager = new ChannelManager('root:1');
    const job = pending('a', 'root');
    manager.upsert(job);
    manager.upsert(pending('b', 'root'));
    expect(manager.getJobsToRun(0)).toEqual(['a']);
    manager.upsert({ ...job, state: JobState.Started });
    expect(manager.getJobsToRun(1)).toEqual([]);
    manager.remove('a');
    expect(manager.getJobsToRun(2)).toEqual(['b']);
  });

  it('does not start jobs waiting for dependencies and ignores unknown removals', () => {
    const manager = new ChannelManager('root:0');
    manager.upsert(pending('a', 'root', { state: JobState.WaitDependencies }));
    manager.remove('missing');
    expect(manager.getJobsToRun(0)).toEqual([]);
  });

  it('reports the next eta as wakeup', () => {
    const manager = new ChannelManager('root:0');
    manager.upsert(pending('a', 'root', { eta: 50 }));
    expect(manager.getJobsToRun(10)).toEqual([]);
    expect(manager.nextWakeup()).toBe(50);
    expect(manager.getJobsToRun(50)).toEqual(['a']);
    expect(manager.nextWakeup()).toBeNull();
  });
});

describe('ChannelQueue', () => {
  it('replaces a job added again and forgets removed ones', () => {
    const queue = new ChannelQueue();
    const a = candidate('a', 'root');
    queue.add(a);
    queue.add(candidate('b', 'root'));
    queue.add(candidate('c', 'root'));
    queue.add({ ...a, priority: 99 });
    expect(queue.size).toBe(3);
    queue.remove('b');
    expect(queue.pop(0)?.id).toBe('c');
    expect(queue.pop(0)?.id).toBe('a');
    expect(queue.pop(0)).toBeUndefined();
  });

  it('in sequential mode yields only its head, once due', () => {
    const queue = new ChannelQueue(true);
    queue.add(candidate('j1', 'root', { eta: 10 }));
    queue.add(candidate('j2', 'root'));
    expect(queue.pop(1)).toBeUndefined();
    expect(queue.wakeup(1)).toBe(10);
    expect(queue.pop(10)?.id).toBe('j1');
    expect(queue.pop(10)?.id).toBe('j2');
  });
});
