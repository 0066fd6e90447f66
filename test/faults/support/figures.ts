import { appendFileSync, mkdirSync } from 'node:fs';

/** Where every spec appends its figures (one JSON line each), for docs/reliability.md. */
const FIGURES_FILE = `.tmp/fault-figures-${process.ppid}.jsonl`;

/**
 * Prints a spec's figures as a small block (jobs enqueued / done / run twice / lost, max
 * concurrency, recovery seconds, ...) and keeps them in `.tmp/` for the reliability table.
 */
export function printFigures(spec: string, figures: Record<string, string | number | boolean>): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  const body = Object.entries(figures).map(([key, value]) => `  ${key.padEnd(width)}  ${value}`).join('\n');
  process.stdout.write(`\n[fault figures] ${spec}\n${body}\n`);
  mkdirSync('.tmp', { recursive: true });
  appendFileSync(FIGURES_FILE, `${JSON.stringify({ spec, ...figures })}\n`);
}

export const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
