/**
 * Prints a spec's figures as a small block (jobs enqueued / done / run twice / lost, max
 * concurrency, recovery seconds, ...), outside jest's console capture so that they read as a table.
 * docs/reliability.md collects them.
 */
export function printFigures(spec: string, figures: Record<string, string | number | boolean>): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  const body = Object.entries(figures).map(([key, value]) => `  ${key.padEnd(width)}  ${value}`).join('\n');
  process.stdout.write(`\n[fault figures] ${spec}\n${body}\n`);
}

export const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
