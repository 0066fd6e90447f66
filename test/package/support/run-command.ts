import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  /** stdout and stderr, interleaved. */
  output: string;
  stdout: string;
}

/** The environment of the commands run in the template apps: this test run's own settings left out. */
export function appEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(QUEUE_JOB_|TEST_QUEUE_JOB_|JEST_|npm_)/.test(name) || name === 'NODE_OPTIONS') delete env[name];
  }
  return { ...env, ...extra };
}

/** Runs `command` in `cwd` and resolves with its exit code and combined output (never rejects). */
export function runCommand(command: string, args: string[], cwd: string, env = appEnv()): Promise<CommandResult> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: null, output: `${output}\n${String(error)}`, stdout }));
    child.on('close', (code) => resolve({ code, output, stdout }));
  });
}

/** Runs `command` and throws its output unless it exits 0; resolves with its stdout. */
export async function runOrThrow(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCommand(command, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(`\`${[command, ...args].join(' ')}\` in ${cwd} exited with ${result.code}:\n${result.output}`);
  }
  return result.stdout;
}
