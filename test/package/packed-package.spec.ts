import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packProject, type PackedTarball } from './support/packed-tarball.js';

/**
 * What users install: `npm pack` of the project (its `prepack` builds it), as a registry would
 * receive it.
 */
describe('the packed package', () => {
  let workDir: string;
  let packed: PackedTarball;

  beforeAll(async () => {
    mkdirSync('.tmp', { recursive: true });
    workDir = resolve(mkdtempSync(join('.tmp', 'packed-package-')));
    packed = await packProject('.', workDir);
  }, 180_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  describe('content', () => {
    it('ships the licence texts (LICENSE: LGPL-3, COPYING: GPL-3), the README and the compiled library with its types', () => {
      for (const file of ['LICENSE', 'COPYING', 'README.md', 'package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts',
        'dist/lib/testing/index.d.ts', 'dist/lib/context/cls/index.d.ts']) {
        expect(packed.files).toContain(file);
      }
      expect(packed.read('LICENSE')).toContain('GNU LESSER GENERAL PUBLIC LICENSE');
      expect(packed.read('COPYING')).toContain('GNU GENERAL PUBLIC LICENSE');
      expect(packed.files.filter((file) => !file.startsWith('dist/lib/') && !/^(LICENSE|COPYING|README\.md|package\.json)$/.test(file)))
        .toEqual([]);
    });

    it('has a README whose links and images are absolute URLs (they must work on the registry page)', () => {
      const readme = packed.read('README.md');
      const targets = [
        ...[...readme.matchAll(/\]\(([^)\s]+)[^)]*\)/g)].map((match) => match[1]!),
        ...[...readme.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!),
        ...[...readme.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((match) => match[1]!),
      ];
      expect(targets.length).toBeGreaterThan(0);
      expect(targets.filter((target) => !/^(https?:\/\/|mailto:|#)/.test(target))).toEqual([]);
    });

    it('ships source maps only with their sources inlined, and no reference to a file it lacks', () => {
      const shipped = new Set(packed.files);
      const maps = packed.files.filter((file) => file.endsWith('.js.map'));
      const problems: string[] = [];
      for (const file of packed.files.filter((f) => f.endsWith('.js'))) {
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(packed.read(file))?.[1];
        if (url && !shipped.has(join(file, '..', url))) problems.push(`${file} points at ${url}, which is not shipped`);
      }
      for (const file of maps) {
        const map = JSON.parse(packed.read(file)) as { sources: string[]; sourcesContent?: Array<string | null> };
        map.sources.forEach((source, i) => {
          const inlined = typeof map.sourcesContent?.[i] === 'string';
          if (!inlined && !shipped.has(join(file, '..', source))) problems.push(`${file}: source ${source} is neither inlined nor shipped`);
        });
      }
      expect(problems).toEqual([]);
    });

    it('names its repository, homepage, bug tracker and keywords, and every package it imports among its dependencies', () => {
      const manifest = JSON.parse(packed.read('package.json')) as Manifest;
      expect(manifest.repository.url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
      expect(manifest.homepage).toMatch(/^https:\/\//);
      expect(manifest.bugs.url).toMatch(/^https:\/\//);
      expect(manifest.keywords).toEqual(expect.arrayContaining(['nestjs', 'queue', 'typeorm', 'postgresql']));
      const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
      const imported = new Set(packed.files.filter((file) => file.endsWith('.js'))
        .flatMap((file) => [...packed.read(file).matchAll(IMPORTED)].map((match) => packageName(match[1] ?? match[2] ?? match[3]!)))
        .filter((name) => !name.startsWith('.') && !name.startsWith('node:')));
      expect([...imported].filter((name) => !declared.has(name))).toEqual([]);
    });
  });

});

interface Manifest {
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
  keywords: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Specifiers of static imports and re-exports, bare imports and `import('…')` with a literal, in compiled code. */
const IMPORTED = /^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\('([^']+)'\)/gm;

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
