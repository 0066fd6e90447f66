import { isStatementError } from '../store/database-errors.js';
import type { JobOutcomeRow } from '../store/sql/record-outcomes.sql.js';
import { storableThrown, storableMessage } from './storable-outcome.js';

/** What writing a refused batch again, in parts, came to. */
export interface IsolatedOutcomes {
  /** The outcomes of the parts the database took, and the ids of those it wrote (the others had lost their lease). */
  written: JobOutcomeRow[];
  recorded: Set<string>;
  /** Outcomes the database refuses even alone, with its error. */
  refused: Array<{ outcome: JobOutcomeRow; error: unknown }>;
  /** Not tried, because a write failed for a reason other than its data (the connection): to write later. */
  unwritten: JobOutcomeRow[];
}

/**
 * After the database refused a batch of outcomes for what it holds (isStatementError), writes it
 * again in halves, and halves of the refused halves, until each refused outcome stands alone: one
 * job's unstorable outcome can no longer hold back the others (a batch of n with one bad outcome
 * costs about 2·log2(n) writes). A failure of another kind stops the search; the rest stays unwritten.
 */
export async function isolateOutcomes(
  outcomes: JobOutcomeRow[], write: (batch: JobOutcomeRow[]) => Promise<Set<string>>,
): Promise<IsolatedOutcomes> {
  const result: IsolatedOutcomes = { written: [], recorded: new Set(), refused: [], unwritten: [] };
  const parts = outcomes.length > 1 ? halves(outcomes) : [outcomes];
  while (parts.length > 0) {
    const part = parts.shift()!;
    try {
      for (const id of await write(part)) result.recorded.add(id);
      result.written.push(...part);
    } catch (error) {
      if (!isStatementError(error)) {
        result.unwritten.push(...part, ...parts.flat());
        break;
      }
      if (part.length === 1) result.refused.push({ outcome: part[0], error });
      else parts.unshift(...halves(part));
    }
  }
  return result;
}

const halves = <T>(list: T[]): T[][] => [list.slice(0, list.length >> 1), list.slice(list.length >> 1)];

/** The job failed instead, with the database's reason: its outcome cannot be stored. */
export function refusedOutcome(outcome: JobOutcomeRow, error: unknown): JobOutcomeRow {
  const { message, stack } = storableThrown(error);
  const { code, detail, where } = (error ?? {}) as { code?: string; detail?: string; where?: string };
  const details = [`SQLSTATE ${code}`, detail && `DETAIL: ${detail}`, where && `WHERE: ${where}`].filter(Boolean).join('\n');
  return {
    ...outcome, state: 'failed', result: null, eta: null, retryDelta: 0, dateDone: null,
    excName: 'UnstorableOutcome',
    excMessage: storableMessage(`The database refused to store this job's outcome (${outcome.state}): ${message}`),
    excInfo: storableMessage(`${details}\n${stack}`),
  };
}
