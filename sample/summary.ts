import type { JobCounts } from './job-counts.js';

const STATES = ['wait_dependencies', 'pending', 'enqueued', 'started', 'done', 'cancelled', 'failed'] as const;

/** A table of job counts: one row per channel (and a total), one column per state (and a total). */
export function summaryTable(counts: JobCounts): string {
  const channels = Object.keys(counts).sort();
  const row = (label: string, n: (state: string) => number) => {
    const cells = STATES.map((state) => n(state));
    return [label, ...cells, cells.reduce((a, b) => a + b, 0)];
  };
  const rows = [
    ['channel', ...STATES, 'total'],
    ...channels.map((channel) => row(channel, (state) => counts[channel][state] ?? 0)),
    row('total', (state) => channels.reduce((sum, channel) => sum + (counts[channel][state] ?? 0), 0)),
  ].map((cells) => cells.map(String));
  const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1, -1).map(line), rule, line(rows[rows.length - 1])].join('\n');
}
