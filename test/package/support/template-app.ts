import { cpSync, linkSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runOrThrow } from './run-command.js';

const TEMPLATES = 'test/package/templates';

/**
 * A copy of `test/package/templates/<name>` with the packed tarball installed by npm, as a user's
 * app would have it. Its other dependencies come from the project's own node_modules, hard-linked
 * (no network, no npm cache): npm sees them installed already and only adds the tarball, which it
 * extracts as a real package (not a link to the source tree), and removes what the app does not use.
 */
export async function installTemplateApp(name: string, tarball: string, workDir: string): Promise<string> {
  const appDir = join(workDir, name);
  cpSync(join(TEMPLATES, name), appDir, { recursive: true });
  linkTree('node_modules', join(appDir, 'node_modules'));
  await runOrThrow('npm', [
    'install', tarball, '--no-save', '--offline', '--cache', join(workDir, 'npm-cache'),
    // --legacy-peer-deps: the peers are installed already; without it npm looks their manifests up.
    '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel', 'error',
  ], appDir);
  return appDir;
}

/**
 * Recreates `from` at `to` with hard links (files stay shared, so this is fast and takes no space);
 * npm replaces or deletes files, never writes into them. npm's record of the tree is left out, so
 * that npm reads the copy itself.
 */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === '.package-lock.json') continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else linkSync(source, target);
  }
}
