import type { EntityManager } from 'typeorm';
import type { InsertedJob, JobStore } from '../../store/job-store.js';
import type { PreparedJob } from '../prepared-job.js';

/**
 * Stores a graph in one INSERT, in one transaction. Identity keys (SPEC §2): when every keyed job of
 * the graph already exists, nothing is stored and the existing jobs are returned; otherwise the graph
 * is stored whole, and a job whose key is taken is stored without its key (it belongs to this graph
 * and must run in it). If a concurrent enqueue takes a key between the check and the insert, the
 * transaction is rolled back and the check runs again.
 */
export async function storeGraph(store: JobStore, jobs: PreparedJob[], manager?: EntityManager): Promise<InsertedJob[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (manager) return await storeOnce(store, jobs, manager);
      return await store.dataSource.transaction((m) => storeOnce(store, jobs, m));
    } catch (error) {
      if (!(error instanceof KeyTakenMeanwhile) || attempt >= 3) throw error;
    }
  }
}

class KeyTakenMeanwhile extends Error {}

async function storeOnce(store: JobStore, jobs: PreparedJob[], manager: EntityManager): Promise<InsertedJob[]> {
  const keys = jobs.map((j) => j.row.identityKey).filter((k): k is string => k !== null);
  const holders = keys.length > 0 ? await store.findIdentityKeyHolders(keys, manager) : new Map<string, InsertedJob>();
  if (keys.length > 0 && keys.every((k) => holders.has(k))) {
    return jobs.filter((j) => j.row.identityKey !== null).map((j) => holders.get(j.row.identityKey!)!);
  }
  const rows = jobs.map((j) => (j.row.identityKey && holders.has(j.row.identityKey) ? { ...j.row, identityKey: null } : j.row));
  const inserted = await store.insertJobs(rows, manager);
  if (inserted.some((job) => !job.created)) throw new KeyTakenMeanwhile();
  return inserted;
}
