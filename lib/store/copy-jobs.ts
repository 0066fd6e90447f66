import { finished } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { JobsCopy } from './sql/copy-jobs.sql.js';

/** Runs a COPY of jobs (`copyOfJobs`) on `client`. */
export async function copyJobs(client: ClientBase, { sql, text }: JobsCopy): Promise<void> {
  const stream = client.query(copyFrom(sql));
  stream.end(text);
  await finished(stream);
}
