import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from '../../support/wait-for.js';
import { appEnv } from './run-command.js';

/** A compiled template app started as users start theirs: `node dist/src/main.js <names…>`. */
export class AppProcess {
  private output = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(appDir: string, databaseUrl: string, names: string[]) {
    this.child = spawn(process.execPath, ['dist/src/main.js', ...names], {
      cwd: appDir,
      env: appEnv({ DATABASE_URL: databaseUrl }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', () => resolve()));
  }

  /** The uuids the app printed (`enqueued <uuid>`) once it printed `count` of them. */
  async enqueuedUuids(count: number): Promise<string[]> {
    try {
      return await waitFor(`${count} "enqueued <uuid>" line(s) from the app`, () => {
        if (this.child.exitCode !== null) throw new Error(`The app exited with ${this.child.exitCode}`);
        const uuids = [...this.output.matchAll(/^enqueued ([0-9a-f-]{36})$/gm)].map((match) => match[1]!);
        return uuids.length >= count ? uuids : undefined;
      }, 30_000);
    } catch (error) {
      throw this.withOutput(error);
    }
  }

  /** `error`, with what the app printed so far appended to its message. */
  withOutput(error: unknown): Error {
    return new Error(`${error instanceof Error ? error.message : String(error)}. The app's output:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
