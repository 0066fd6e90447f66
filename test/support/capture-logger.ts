import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps what it is given, so tests can assert on warnings. */
export class CaptureLogger implements LoggerService {
  readonly entries: Array<{ level: string; message: string; context?: string }> = [];

  log(message: unknown, context?: string): void { this.add('log', message, context); }
  error(message: unknown, ...rest: unknown[]): void { this.add('error', message, rest.at(-1) as string | undefined); }
  warn(message: unknown, context?: string): void { this.add('warn', message, context); }
  debug(message: unknown, context?: string): void { this.add('debug', message, context); }
  verbose(message: unknown, context?: string): void { this.add('verbose', message, context); }

  messages(level: string): string[] {
    return this.entries.filter((e) => e.level === level).map((e) => e.message);
  }

  private add(level: string, message: unknown, context?: string): void {
    this.entries.push({ level, message: String(message), context });
  }
}
