import { ConsoleLogger, type ConsoleLoggerOptions } from '@nestjs/common';
import type { BatchProgress } from './demo-batch.js';

const BAR_WIDTH = 30;

/**
 * The live progress of the demo batch. On a terminal it redraws its lines in place, and logs are
 * printed above them (see `ProgressLogger`); otherwise it prints one line per second.
 */
export class ProgressDisplay {
  private lines: string[] = [];
  private drawn = 0;
  private lastPrinted = Number.NEGATIVE_INFINITY;
  private startedAt = Date.now();
  private active = false;

  constructor(
    /** Channels in display order, each expecting `perChannel` jobs. */
    private readonly channels: readonly string[],
    private readonly perChannel: number,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  get elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  /** Starts the clock; updates are shown until `finish()`. */
  start(): void {
    this.startedAt = Date.now();
    this.active = true;
  }

  update(progress: BatchProgress): void {
    if (!this.active) return;
    const elapsed = `${this.elapsedSeconds.toFixed(1)} s`;
    const channels = this.channels.map((channel) => ({ channel, ...this.describe(progress, channel) }));
    if (this.out.isTTY) {
      this.lines = [`Demo batch, ${elapsed}:`, ...channels.map((c) => `  ${c.channel.padEnd(10)} ${c.bar}  ${c.text}`)];
      this.redraw();
    } else if (Date.now() - this.lastPrinted >= 1000 || progress.settled) {
      this.lastPrinted = Date.now();
      this.out.write(`[${elapsed.padStart(7)}] ${channels.map((c) => `${c.channel} ${c.text}`).join(' | ')}\n`);
    }
  }

  /** Stops redrawing; the last lines stay on screen. */
  finish(): void {
    this.active = false;
    this.lines = [];
    this.drawn = 0;
  }

  /** Runs `print` (which writes to the terminal) with the live lines moved below its output. */
  printAbove(print: () => void): void {
    this.erase();
    print();
    this.redraw();
  }

  private describe(progress: BatchProgress, channel: string): { bar: string; text: string } {
    const n = (state: string) => progress.counts[channel]?.[state] ?? 0;
    const finished = n('done') + n('failed') + n('cancelled');
    const created = Object.values(progress.counts[channel] ?? {}).reduce<number>((sum, count) => sum + (count ?? 0), 0);
    const filled = Math.round((finished / this.perChannel) * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const toCome = this.perChannel - created;
    const text = `${String(finished).padStart(4)}/${this.perChannel}  done ${n('done')}  failed ${n('failed')}  ` +
      `pending ${n('pending')} (waiting ${n('wait_dependencies')}, enqueued ${n('enqueued')}, started ${n('started')})` +
      (toCome > 0 ? `  ${toCome} to come` : '');
    return { bar, text };
  }

  private redraw(): void {
    this.erase();
    if (this.lines.length === 0) return;
    // A line wider than the terminal would wrap and break the cursor arithmetic.
    const width = (this.out.columns || 120) - 1;
    this.out.write(this.lines.map((line) => line.slice(0, width)).join('\n') + '\n');
    this.drawn = this.lines.length;
  }

  private erase(): void {
    // Cursor up to the first live line, then clear to the end of the screen.
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }
}

/** Nest's console logger, printing above the live progress lines instead of through them. */
export class ProgressLogger extends ConsoleLogger {
  constructor(private readonly display: ProgressDisplay, options: ConsoleLoggerOptions) {
    super(options);
  }

  override log(message: unknown, ...rest: unknown[]): void {
    this.display.printAbove(() => super.log(message, ...rest));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    this.display.printAbove(() => super.warn(message, ...rest));
  }

  override error(message: unknown, ...rest: unknown[]): void {
    this.display.printAbove(() => super.error(message, ...rest));
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    this.display.printAbove(() => super.fatal(message, ...rest));
  }
}
