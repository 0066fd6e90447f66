// The admin's documented queries (docs/admin.md, REST API) timed on a long history: each query
// string goes through the same parser as its route and the same `AdminQueries` method, with no HTTP
// around them.
import { performance } from 'node:perf_hooks';
import { AdminQueries } from '../lib/admin/api/admin-queries.service.js';
import { parseCountsQuery, parseGroupsQuery, parseJobsListQuery } from '../lib/admin/api/jobs-query.js';
import { JobFunctionRegistry } from '../lib/discovery/job-function.registry.js';
import { JobStore } from '../lib/store/job-store.js';
import { createBenchApp } from './bench-app.js';
import { SEARCHED_WORD } from './history-rows.js';
import { median } from './median.js';

const RUNS = 3;

/** One route's times, and how many jobs, groups or states it answered (a check that it read the history). */
export interface AdminTiming { route: string; median_ms: number; runs_ms: number[]; answered: number }

type Route = [string, (queries: AdminQueries) => Promise<unknown>];

/** The admin's routes, as the pages call them (the query string as in docs/admin.md). */
const ROUTES: Route[] = [
  ['GET api/jobs', (q) => q.listJobs(parseJobsListQuery({}))],
  ['GET api/jobs/counts', (q) => q.countByState(parseCountsQuery({}))],
  ['GET api/jobs?state=done&sort=dateDone', (q) => q.listJobs(parseJobsListQuery({ state: 'done', sort: 'dateDone' }))],
  ['GET api/jobs/groups?by=channel', (q) => q.groupJobs(...groups({ by: 'channel' }))],
  ['GET api/jobs/groups?by=channel&state=all', (q) => q.groupJobs(...groups({ by: 'channel', state: 'all' }))],
  [`GET api/jobs?state=all&q=${SEARCHED_WORD}&sort=execTime`,
    (q) => q.listJobs(parseJobsListQuery({ state: 'all', q: SEARCHED_WORD, sort: 'execTime' }))],
  [`GET api/jobs/counts?q=${SEARCHED_WORD}`, (q) => q.countByState(parseCountsQuery({ q: SEARCHED_WORD }))],
];

/** Jobs of a page, groups, or states counted. */
function size(answer: unknown): number {
  if (Array.isArray(answer)) return answer.length;
  const page = answer as { jobs?: unknown[] };
  return page.jobs ? page.jobs.length : Object.keys(answer as object).length;
}

function groups(query: Record<string, string>): Parameters<AdminQueries['groupJobs']> {
  const { filter, by } = parseGroupsQuery(query);
  return [filter, by];
}

/** Times each route RUNS times in a row on the database at `url`, reporting the median. */
export async function timeAdminQueries(url: string): Promise<AdminTiming[]> {
  const app = await createBenchApp(url, 1);
  try {
    const queries = new AdminQueries(app.get(JobStore), app.get(JobFunctionRegistry));
    const timings: AdminTiming[] = [];
    for (const [route, call] of ROUTES) {
      const runs: number[] = [];
      let answer: unknown;
      for (let k = 0; k < RUNS; k++) {
        const start = performance.now();
        answer = await call(queries);
        runs.push(Math.round((performance.now() - start) * 10) / 10);
      }
      timings.push({ route, median_ms: median(runs), runs_ms: runs, answered: size(answer) });
    }
    return timings;
  } finally {
    await app.close();
  }
}
