import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs a compiled script of this folder on database `url` (its stderr passed on); its last stdout line is JSON. */
export function runScript<T>(script: string, args: string[], url: string): Promise<T> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], {
    env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => child.on('close', (code) => {
    const last = out.trim().split('\n').pop() ?? '';
    if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}: ${last}`));
    resolve(JSON.parse(last) as T);
  }));
}
