import { describe, expect, it } from '@jest/globals';
import { ChannelManager, type ManagedJob } from '../../../lib/channels/channel-manager.js';
import { ChannelQueue } from '../../../lib/channels/channel-queue.js';
import { JobState } from '../../../lib/store/job-state.js';
import { candidate, pending } from './channel-fixtures.js';

/** SPEC §5 golden scenarios, reproduced exactly (list order included). */
describe('golden scenarios', () => {
  it('1. capacities and priorities: root:4,A:4,B:1', () => {
    const manager = new ChannelManager('root:4,A:4,B:1');
    const jobs = new Map<string, ManagedJob>();
    const add = (job: ManagedJob): void => {
      jobs.set(job.id, job);
      manager.upsert(job);
    };
    const update = (id: string, fields: Partial<ManagedJob>): void => add({ ...(jobs.get(id) as ManagedJob), ...fields });
    for (let i = 1; i <= 6; i++) add(pending(`A${i}`, 'A', { priority: 10 }));
    for (let i = 1; i <= 2; i++) add(pending(`B${i}`, 'B', { priority: 5 }));

    expect(manager.getJobsToRun(0)).toEqual(['B1', 'A1', 'A2', 'A3']);
    update('A2', { state: JobState.Done });
    expect(manager.getJobsToRun(0)).toEqual(['A4']);
    update('B1', { state: JobState.Done });
    expect(manager.getJobsToRun(0)).toEqual(['B2']);
    update('A1', { state: JobState.Done });
    update('A6', { priority: 5 });
    expect(manager.getJobsToRun(0)).toEqual(['A6']);
  });

  it('2. throttle: root:4,A:4:throttle=2', () => {
    const manager = new ChannelManager('root:4,A:4:throttle=2');
    manager.upsert(pending('A1', 'A'));
    manager.upsert(pending('A2', 'A'));

    expect(manager.getJobsToRun(100)).toEqual(['A1']);
    expect(manager.nextWakeup()).toBe(102);
    expect(manager.getJobsToRun(101)).toEqual([]);
    expect(manager.nextWakeup()).toBe(102);
    expect(manager.getJobsToRun(102)).toEqual(['A2']);
    expect(manager.nextWakeup()).toBeNull();
  });

  it('3. sequential: root:4,S:1:sequential', () => {
    const manager = new ChannelManager('root:4,S:1:sequential');
    const [s1, s2, s3] = ['S1', 'S2', 'S3'].map((id) => pending(id, 'S')) as [ManagedJob, ManagedJob, ManagedJob];
    [s1, s2, s3].forEach((job) => manager.upsert(job));

    expect(manager.getJobsToRun(100)).toEqual(['S1']);
    manager.upsert({ ...s1, state: JobState.Failed });
    expect(manager.getJobsToRun(100)).toEqual([]);
    manager.upsert({ ...s2, eta: 105 });
    expect(manager.getJobsToRun(101)).toEqual([]);
    manager.upsert({ ...s1, state: JobState.Pending });
    expect(manager.getJobsToRun(102)).toEqual(['S1']);
    manager.upsert({ ...s1, state: JobState.Done });
    expect(manager.getJobsToRun(103)).toEqual([]);
    expect(manager.nextWakeup()).toBe(105);
    expect(manager.getJobsToRun(105)).toEqual(['S2']);
    manager.upsert({ ...s2, eta: 105, state: JobState.Done });
    expect(manager.getJobsToRun(105)).toEqual(['S3']);
  });

  it('4. channel queue: a job waiting for its eta is set aside, then competes on priority', () => {
    const queue = new ChannelQueue();
    queue.add(candidate('j1', 'root', { eta: 10, priority: 1 }));
    queue.add(candidate('j2', 'root', { priority: 1 }));
    queue.add(candidate('j3', 'root', { priority: 1 }));

    expect(queue.wakeup(0)).toBe(10);
    expect(queue.pop(1)?.id).toBe('j2');
    expect(queue.pop(11)?.id).toBe('j1');
    expect(queue.wakeup(11)).toBeNull();
    expect(queue.pop(12)?.id).toBe('j3');
    expect(queue.pop(12)).toBeUndefined();
  });
});
