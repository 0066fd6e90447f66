import { describe, expect, it } from '@jest/globals';
import { EventLoopWatch } from '../../../lib/runner/event-loop-watch.js';

/** A watch on a fake clock over a set of running jobs (uuids), its timer started (unref'd: it never fires within the test), ticked by hand. */
function watch() {
  let now = 0;
  const running = new Set<string>();
  const reports: Array<{ stallMs: number; uuids: string[] }> = [];
  const w = new EventLoopWatch<string>((stallMs, uuids) => reports.push({ stallMs, uuids }), () => running, 1_000, () => now);
  w.start();
  const end = (uuid: string) => {
    running.delete(uuid);
    w.ended(uuid);
  };
  return { w, running, end, reports, advance: (ms: number) => void (now += ms) };
}

describe('EventLoopWatch', () => {
  it('reports a timer late by the threshold or more, with the jobs running then', () => {
    const { w, running, reports, advance } = watch();
    running.add('a');
    advance(250);
    w.tick();
    advance(250 + 3_200);
    w.tick();
    w.stop();
    expect(reports).toEqual([{ stallMs: 3_200, uuids: ['a'] }]);
  });

  it('names the job that ended during the stall (the blocking one ends before the timer can fire), not those that ended before it', () => {
    const { w, running, end, reports, advance } = watch();
    running.add('before').add('blocker');
    advance(100);
    end('before'); // ended before the stall began
    advance(2_000); // the loop is blocked by 'blocker', which then ends, before the timer fires
    end('blocker');
    advance(150);
    w.tick();
    w.stop();
    expect(reports).toEqual([{ stallMs: 2_000, uuids: ['blocker'] }]);
  });

  it('says nothing for short delays, or when no job runs', () => {
    const { w, running, end, reports, advance } = watch();
    advance(250 + 900);
    running.add('a');
    w.tick();
    end('a');
    advance(250 + 5_000);
    w.tick();
    w.stop();
    expect(reports).toEqual([]);
  });
});
