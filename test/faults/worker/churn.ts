import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobService, chain } from '../../../lib/index.js';
import { FaultJobs } from './fault-jobs.js';

/** Parallel loops of the workload, so that some transaction holding the claim lock is nearly always open. */
const LOOPS = 4;

/**
 * FAULT_ROLE=churn: a workload whose transactions hold the claim lock over several round trips, for
 * ever (fault 9 pauses it at random moments): graphs whose jobs, run here, release their children
 * under the lock; chains held back by an eta, cancelled from their head (one level per round trip)
 * or set done (which releases the next). Errors (a session ended by the lock bound) are ignored.
 */
export async function runChurn(app: INestApplicationContext): Promise<never> {
  const jobs = app.get(JobService);
  const faults = app.get(FaultJobs);
  const node = (tag: string, eta?: number) => jobs.delayable(faults, eta ? { eta } : {}).sleep(tag, 0, 0);
  const loop = async (n: number): Promise<never> => {
    for (let round = 0; ; round++) {
      try {
        await chain(node(`churn-run-${n}`), node(`churn-run-${n}`), node(`churn-run-${n}`)).delay();
        const [held] = await chain(node(`churn-held-${n}`, 3600), node(`churn-held-${n}`), node(`churn-held-${n}`), node(`churn-held-${n}`)).delay();
        await (round % 2 === 0 ? jobs.cancel(held.uuid, { by: 'churn' }) : jobs.setDone(held.uuid, { by: 'churn' }));
      } catch {
        await sleep(20);
      }
    }
  };
  return Promise.race(Array.from({ length: LOOPS }, (_, n) => loop(n)));
}
