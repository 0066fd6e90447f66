import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { waitFor } from '../../support/wait-for.js';

/** The compiled worker app (built by `npm test` before jest runs). */
const WORKER_MAIN = 'dist/test/faults/worker/main.js';

export interface WorkerExit { code: number | null; signal: NodeJS.Signals | null }

/** One worker (or enqueuer) process of the fault suite, with everything it printed. */
export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** stdout and stderr lines, in arrival order. */
  readonly lines: string[];
  readonly exited: Promise<WorkerExit>;
  readonly alive: boolean;
  kill(signal: NodeJS.Signals): void;
  /** The first line matching `pattern` (waits for it). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export interface WorkerSettings {
  /** QUEUE_JOB_CHANNELS. */
  channels?: string;
  leaseSeconds?: number;
  pollMs?: number;
  shutdownMs?: number;
  concurrency?: number;
  /** Any other environment variables (FAULT_ROLE, FAULT_ENQUEUE_*, QUEUE_JOB_RUNNER, ...). */
  env?: Record<string, string>;
  /** Resolve once `READY <pid>` is printed (default), or at once. */
  waitReady?: boolean;
}

const started = new Set<WorkerProcess>();

/** Spawns `node dist/test/faults/worker/main.js` on the database `url`. */
export async function startWorker(url: string, settings: WorkerSettings = {}): Promise<WorkerProcess> {
  const env: Record<string, string> = { ...process.env as Record<string, string>, DATABASE_URL: url, ...settings.env };
  const set = (name: string, value: string | number | undefined) => { if (value !== undefined) env[name] = String(value); };
  set('QUEUE_JOB_CHANNELS', settings.channels);
  set('FAULT_LEASE_SECONDS', settings.leaseSeconds);
  set('FAULT_POLL_MS', settings.pollMs);
  set('FAULT_SHUTDOWN_MS', settings.shutdownMs);
  set('FAULT_CONCURRENCY', settings.concurrency);
  const child = spawn(process.execPath, [WORKER_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const echo = process.env.QUEUE_JOB_TEST_LOGS !== undefined;
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (echo) process.stderr.write(`[${child.pid}] ${line}\n`);
    });
  }
  let exit: WorkerExit | undefined;
  const exited = new Promise<WorkerExit>((resolve) => child.on('exit', (code, signal) => resolve(exit = { code, signal })));
  const worker: WorkerProcess = {
    pid: child.pid!,
    child,
    lines,
    exited,
    get alive() { return exit === undefined; },
    kill: (signal) => { if (exit === undefined) child.kill(signal); },
    waitForLine: (pattern, timeoutMs = 60_000) => waitFor(`a line ${pattern} from worker ${child.pid}`, () => {
      const line = lines.find((l) => pattern.test(l));
      if (line) return line;
      if (exit) throw new Error(`worker ${child.pid} exited (${exit.code ?? exit.signal}) without printing ${pattern}:\n${lines.join('\n')}`);
      return undefined;
    }, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; its last lines:\n${lines.slice(-20).join('\n')}`);
    }),
  };
  started.add(worker);
  if (settings.waitReady !== false) await worker.waitForLine(/^READY \d+$/);
  return worker;
}

/** Kills what a test left running (a paused process is resumed first, so that it can die). */
export async function killAllWorkers(): Promise<void> {
  const alive = [...started].filter((w) => w.alive);
  for (const worker of alive) {
    worker.kill('SIGCONT');
    worker.kill('SIGKILL');
  }
  await Promise.all(alive.map((w) => w.exited));
  started.clear();
}
