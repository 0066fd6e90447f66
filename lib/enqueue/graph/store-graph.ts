import type { EntityManager } from 'typeorm';
import { isInstance } from '../../errors/describe-thrown.js';
import type { InsertedJob, JobStore } from '../../store/job-store.js';
import type { PreparedJob } from '../prepared-job.js';

/** What storing a graph gives back: the stored (or existing) jobs, each with the vertex it answers for. */
export interface StoredGraph {
  jobs: PreparedJob[];
  stored: InsertedJob[];
}

/**
 * Stores a graph in one INSERT, in one transaction. Identity keys (SPEC §2): when every keyed job of
 * the graph already exists, nothing is stored and the existing jobs are returned; otherwise the graph
 * is stored whole, and a job whose key is taken is stored without its key (it belongs to this graph
 * and must run in it). If a concurrent enqueue takes a key between the check and the insert, the
 * attempt is rolled back and the check runs again. Inside a caller's transaction the attempt is a
 * savepoint: rolling back the caller's whole transaction is not ours to do, and keeping the attempt
 * would leave half a graph waiting for a parent that was never stored.
 */
export async function storeGraph(store: JobStore, jobs: PreparedJob[], manager?: EntityManager): Promise<StoredGraph> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (manager ?? store.dataSource.manager).transaction((m) => storeOnce(store, jobs, m));
    } catch (error) {
      if (!isInstance(error, KeyTakenMeanwhile) || attempt >= 3) throw error;
    }
  }
}

class KeyTakenMeanwhile extends Error {}

async function storeOnce(store: JobStore, jobs: PreparedJob[], manager: EntityManager): Promise<StoredGraph> {
  const keys = jobs.map((j) => j.row.identityKey).filter((k): k is string => k !== null);
  const holders = keys.length > 0 ? await store.findIdentityKeyHolders(keys, manager) : new Map<string, InsertedJob>();
  if (keys.length > 0 && keys.every((k) => holders.has(k))) {
    // Only the keyed vertices have a job to show: the handles must pair each with its own holder.
    const keyed = jobs.filter((j) => j.row.identityKey !== null);
    return { jobs: keyed, stored: keyed.map((j) => holders.get(j.row.identityKey!)!) };
  }
  const rows = jobs.map((j) => (j.row.identityKey && holders.has(j.row.identityKey) ? { ...j.row, identityKey: null } : j.row));
  const inserted = await store.insertJobs(rows, manager);
  if (inserted.some((job) => !job.created)) throw new KeyTakenMeanwhile();
  return { jobs, stored: inserted };
}
