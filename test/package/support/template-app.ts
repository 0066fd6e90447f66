import { copyFileSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runOrThrow } from './run-command.js';

const TEMPLATES = 'test/package/templates';

/**
 * A fresh folder for the apps, outside the project: Node, TypeScript and jest look for packages in
 * every node_modules up to the root, and the project's own would hide what the tarball lacks.
 */
export function createWorkDir(): string {
  const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'nestjs-queue-job-package-')));
  for (let dir = dirname(workDir); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) {
      throw new Error(`${join(dir, 'node_modules')} would be visible to the test apps in ${workDir}: set TMPDIR to a folder with no node_modules above it`);
    }
    if (dirname(dir) === dir) return workDir;
  }
}

/**
 * A copy of `test/package/templates/<name>` with the packed tarball installed by npm, as a user's
 * app would have it. Its other dependencies come from the project's own node_modules, hard-linked
 * (no network, no npm cache): npm sees them installed already and only adds the tarball, which it
 * extracts as a real package (not a link to the source tree), and removes what the app does not use.
 */
export async function installTemplateApp(name: string, tarball: string, workDir: string): Promise<string> {
  const appDir = join(workDir, name);
  cpSync(resolve(TEMPLATES, name), appDir, { recursive: true });
  linkTree(resolve('node_modules'), join(appDir, 'node_modules'));
  await runOrThrow('npm', [
    'install', tarball, '--no-save', '--offline', '--cache', join(workDir, 'npm-cache'),
    // --legacy-peer-deps: the peers are installed already; without it npm looks their manifests up.
    '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel', 'error',
  ], appDir);
  return appDir;
}

/**
 * Recreates `from` at `to` with hard links (files stay shared, so this is fast and takes no space;
 * npm replaces or deletes files, never writes into them), or copies where the temporary folder is
 * on another file system. npm's record of the tree is left out, so that npm reads the copy itself.
 */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === '.package-lock.json') continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else linkOrCopy(source, target);
  }
}

function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    copyFileSync(source, target);
  }
}
