// The autovacuum phases of `bench:history`: R rounds, each two drains on fresh copies of a database
// holding expired jobs (history-autovacuum.ts): the autovacuum after the drain (alone), then during
// it. Per round: how long the autovacuum took, and the claim rate over its window (from the start
// of the drain to its end) with it against the same window of the drain without it. `channelInterval`
// (`NAME:DAYS`) gives one channel a shorter removal interval, so its expired jobs are deleted row by row.
import type { AutovacuumRun, RemovalCheck } from './history-autovacuum.js';
import type { BenchDatabases } from './history-databases.js';
import { median } from './median.js';
import { runScript } from './run-script.js';

export interface AutovacuumRound {
  seconds_alone: number;
  seconds_during_drain: number;
  window_seconds: number;
  claims_per_s_during: number;
  claims_per_s_without: number;
  ratio: number;
  /** Whether each run honoured the removal intervals exactly (history-autovacuum.ts). */
  removal_alone: RemovalCheck;
  removal_during: RemovalCheck;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Handler calls per second over the first `window` seconds of a drain (to its first 50 ms sample at or past it). */
function rateOver(run: AutovacuumRun, window: number): number {
  const [ms, calls] = run.calls.find(([at]) => at >= Math.max(window * 1000, 100)) ?? run.calls[run.calls.length - 1];
  return calls / (ms / 1000);
}

export async function measureAutovacuum(
  databases: BenchDatabases, template: string, p: { n: number; concurrency: number; rounds: number; channelInterval?: string },
  log: (line: string) => void,
) {
  const phase = p.channelInterval === undefined ? 'autovacuum' : `autovacuum by rows (${p.channelInterval})`;
  const records = p.channelInterval === undefined ? [] : ['--channel-interval', p.channelInterval];
  const drain = async (when: 'during' | 'after', round: number) => {
    const name = await databases.copy(template, `autovacuum_${when}_${round}`);
    try {
      return await runScript<AutovacuumRun>('./history-autovacuum.js',
        ['--autovacuum', when, '--n', String(p.n), '--concurrency', String(p.concurrency), ...records], databases.url(name));
    } finally {
      await databases.drop(name);
    }
  };
  const rounds: AutovacuumRound[] = [];
  let deleted = 0;
  for (let round = 1; round <= p.rounds; round++) {
    const alone = await drain('after', round);
    const during = await drain('during', round);
    deleted = during.deleted;
    const window = Math.min(during.autovacuum_ended_at ?? during.drain_seconds, during.drain_seconds);
    const [withIt, without] = [rateOver(during, window), rateOver(alone, window)];
    rounds.push({
      seconds_alone: r2(alone.autovacuum_seconds), seconds_during_drain: r2(during.autovacuum_seconds), window_seconds: r2(window),
      claims_per_s_during: Math.round(withIt), claims_per_s_without: Math.round(without), ratio: r2(withIt / without),
      removal_alone: alone.removal, removal_during: during.removal,
    });
    log(`${phase} round ${round}: ${during.deleted} expired jobs deleted in ${alone.autovacuum_seconds.toFixed(2)} s alone, `
      + `${during.autovacuum_seconds.toFixed(2)} s during a drain; claims over its ${window.toFixed(2)} s: `
      + `${Math.round(withIt)} jobs/s with it, ${Math.round(without)} without: ${(withIt / without).toFixed(2)} ×`);
  }
  const of = (key: Exclude<keyof AutovacuumRound, 'removal_alone' | 'removal_during'>) => median(rounds.map((r) => r[key]));
  return { deleted, seconds_alone: of('seconds_alone'), seconds_during_drain: of('seconds_during_drain'), ratio: of('ratio'), rounds };
}
