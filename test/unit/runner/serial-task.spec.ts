import { describe, expect, it } from '@jest/globals';
import { SerialTask } from '../../../lib/runner/serial-task.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SerialTask', () => {
  it('coalesces requests made together into one run', async () => {
    let runs = 0;
    const task = new SerialTask(async () => (runs++, true));
    task.request();
    task.request();
    task.request();
    await tick();
    await task.settled();
    expect(runs).toBe(1);
  });

  it('runs once more after a run during which it was asked, never two at once', async () => {
    let runs = 0;
    let active = 0;
    let maxActive = 0;
    const task = new SerialTask(async () => {
      runs++;
      maxActive = Math.max(maxActive, ++active);
      await tick();
      if (runs === 1) task.request();
      active--;
      return true;
    });
    task.request();
    await tick();
    await task.settled();
    expect({ runs, maxActive }).toEqual({ runs: 2, maxActive: 1 });
  });

  it('serves a request made as a run ends (the last run\'s own completion asks again)', async () => {
    // A job launched by a run finishes in the microtasks right after the run returns: its request
    // must start a new run, whichever microtask it lands in, not wait for the next wake-up.
    const delays = Array.from({ length: 10 }, (_, depth) => depth);
    const runsByDepth: number[] = [];
    for (const depth of delays) {
      let runs = 0;
      const task = new SerialTask(async () => {
        runs++;
        if (runs === 1) {
          let chain = Promise.resolve();
          for (let i = 0; i < depth; i++) chain = chain.then(() => undefined);
          void chain.then(() => task.request());
        }
        return true;
      });
      task.request();
      for (let i = 0; i < 5; i++) await tick();
      await task.settled();
      runsByDepth.push(runs);
    }
    expect(runsByDepth).toEqual(delays.map(() => 2));
  });

  it('drops requests made during a run that failed (the caller backs off)', async () => {
    let runs = 0;
    const task = new SerialTask(async () => {
      runs++;
      task.request();
      return false;
    });
    task.request();
    await tick();
    await task.settled();
    await tick();
    expect(runs).toBe(1);
    expect(task.busy).toBe(false);
  });
});
