import { finished } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_JOBS_SQL } from './sql/copy-jobs.sql.js';

/**
 * Runs COPY_JOBS_SQL on `client` with `text` (`copyJobsText`). A COPY sends its rows only once the
 * database asks for them: `onSent` is called when they are on their way (or the COPY failed before).
 */
export async function copyJobs(client: ClientBase, text: string, onSent: () => void = () => undefined): Promise<void> {
  try {
    const stream = client.query(copyFrom(COPY_JOBS_SQL));
    stream.write(text, () => onSent());
    stream.end();
    await finished(stream);
  } finally {
    onSent();
  }
}
