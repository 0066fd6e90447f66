import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runOrThrow } from './run-command.js';

/** What `npm pack` made of the project: the tarball, and its content extracted for reading. */
export interface PackedTarball {
  tarball: string;
  /** The extracted `package/` folder. */
  root: string;
  /** Paths inside the package, e.g. `dist/lib/index.js`. */
  files: string[];
  read(path: string): string;
}

/** `npm pack` of the project (its `prepack` builds it), as a registry would receive it. */
export async function packProject(projectDir: string, workDir: string): Promise<PackedTarball> {
  const stdout = await runOrThrow('npm', ['pack', '--json', '--pack-destination', workDir], projectDir);
  // prepack's own output may come before the JSON report.
  const [report] = JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as Array<{ filename: string }>;
  const tarball = join(workDir, report!.filename);
  const extracted = join(workDir, 'extracted');
  mkdirSync(extracted, { recursive: true });
  await runOrThrow('tar', ['-xzf', tarball, '-C', extracted], workDir);
  const root = join(extracted, 'package');
  return {
    tarball,
    root,
    files: listFiles(root).map((file) => relative(root, file)),
    read: (path) => readFileSync(join(root, path), 'utf8'),
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}
