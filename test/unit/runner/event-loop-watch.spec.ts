import { describe, expect, it } from '@jest/globals';
import { EventLoopWatch, type LoopWatchedJob } from '../../../lib/runner/event-loop-watch.js';

const job = (uuid: string): LoopWatchedJob => ({ uuid, jobFunction: `<S>.${uuid}`, leaseSeconds: 30 });

/** A watch on a fake clock, its timer started (and unref'd: it never fires within the test), ticked by hand. */
function watch() {
  let now = 0;
  const reports: Array<{ stallMs: number; uuids: string[] }> = [];
  const w = new EventLoopWatch((stallMs, jobs) => reports.push({ stallMs, uuids: jobs.map((j) => j.uuid) }), 1_000, () => now);
  w.start();
  return { w, reports, advance: (ms: number) => void (now += ms) };
}

describe('EventLoopWatch', () => {
  it('reports a timer late by the threshold or more, with the jobs running then', () => {
    const { w, reports, advance } = watch();
    w.began('1', job('a'));
    advance(250);
    w.tick();
    advance(250 + 3_200);
    w.tick();
    w.stop();
    expect(reports).toEqual([{ stallMs: 3_200, uuids: ['a'] }]);
  });

  it('names the job that ended during the stall (the blocking one ends before the timer can fire), not those that ended before it', () => {
    const { w, reports, advance } = watch();
    w.began('1', job('before'));
    w.began('2', job('blocker'));
    advance(100);
    w.ended('1'); // ended before the stall began
    advance(2_000); // the loop is blocked by 'blocker', which then ends, before the timer fires
    w.ended('2');
    advance(150);
    w.tick();
    w.stop();
    expect(reports).toEqual([{ stallMs: 2_000, uuids: ['blocker'] }]);
  });

  it('says nothing for short delays, or when no job runs', () => {
    const { w, reports, advance } = watch();
    advance(250 + 900);
    w.began('1', job('a'));
    w.tick();
    w.ended('1');
    advance(250 + 5_000);
    w.tick();
    w.stop();
    expect(reports).toEqual([]);
  });
});
