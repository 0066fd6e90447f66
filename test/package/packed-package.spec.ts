import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { AppProcess } from './support/app-process.js';
import { packProject, type PackedTarball } from './support/packed-tarball.js';
import { appEnv, runCommand, type CommandResult } from './support/run-command.js';
import { createWorkDir, installTemplateApp } from './support/template-app.js';

/**
 * What users install: `npm pack` of the project, installed into fresh apps made from
 * test/package/templates (a CommonJS and an ESM Nest app, and a type-only consumer), each built
 * and run as its users would.
 */
describe('the packed package', () => {
  let workDir: string;
  let packed: PackedTarball;
  const apps: Record<'cjs-app' | 'esm-app' | 'consumer', string> = { 'cjs-app': '', 'esm-app': '', consumer: '' };

  // What an incremental build leaves behind of a module removed since: prepack must drop it.
  const staleOutput = `dist/lib/removed-module-${process.pid}.js`;

  beforeAll(async () => {
    workDir = createWorkDir();
    mkdirSync('dist/lib', { recursive: true });
    writeFileSync(staleOutput, 'export {};\n');
    packed = await packProject('.', workDir);
    await Promise.all((Object.keys(apps) as Array<keyof typeof apps>).map(async (name) => {
      apps[name] = await installTemplateApp(name, packed.tarball, workDir);
    }));
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

    it("leaves out compiled files whose source is gone (tsc's incremental build keeps them in dist/lib)", () => {
      expect(packed.files.filter((file) => file === staleOutput)).toEqual([]);
      expect(existsSync(staleOutput)).toBe(false);
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

  describe('types', () => {
    const resolutions = ['node10', 'node16', 'nodenext', 'bundler'];
    let checks: Record<string, Promise<CommandResult>>;
    const passes = async (check: string) => {
      const result = await checks[check]!;
      expect({ exitCode: result.code, output: result.output }).toEqual({ exitCode: 0, output: '' });
    };
    // One tsc per check, all at once (each takes seconds).
    beforeAll(() => {
      checks = Object.fromEntries([...resolutions, 'lib-check'].map((check) => [check, tsc(apps.consumer, `tsconfig.${check}.json`)]));
    });

    it.each(resolutions)(
      'resolve for nestjs-queue-job, nestjs-queue-job/testing and nestjs-queue-job/cls under moduleResolution %s',
      (resolution) => passes(resolution),
    );

    it('type-check themselves with skipLibCheck off, given @types/pg (which the README asks for then)', () => passes('lib-check'));
  });

  describe.each([
    ['a CommonJS', 'cjs-app' as const, `require("@nestjs/core")`],
    ['an ESM', 'esm-app' as const, `from '@nestjs/core'`],
  ])('%s Nest app with the tarball installed', (_kind, name, loadsNest) => {
    let db: TestDatabase;
    let build: Promise<CommandResult>;
    beforeAll(async () => {
      build = tsc(apps[name], 'tsconfig.json');
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('builds with tsc, and runs a job to done as a plain `node dist/src/main.js` process', async () => {
      const { code, output } = await build;
      if (code !== 0) throw new Error(`tsc of the ${name} failed (${code}):\n${output}`);
      expect(readFileSync(join(apps[name], 'dist/src/main.js'), 'utf8')).toContain(loadsNest); // the module system of its kind
      const app = new AppProcess(apps[name], db.url, ['Ada']);
      try {
        const [uuid] = await app.enqueuedUuids(1);
        const row = await waitFor(`job ${uuid} done`, async () =>
          (await db.pool.query(`SELECT state, result FROM queue_job WHERE uuid = $1 AND state = 'done'`, [uuid])).rows[0], 30_000)
          .catch((error: unknown) => { throw app.withOutput(error); });
        expect(row).toEqual({ state: 'done', result: 'Hello, Ada!' });
      } finally {
        await app.stop();
      }
    });

    it('passes its own jest tests, which use nestjs-queue-job/testing (`npm test` of the app)', async () => {
      const result = await runCommand('npm', ['test'], apps[name], appEnv({ DATABASE_URL: db.url }));
      if (result.code !== 0) throw new Error(`npm test of the ${name} failed (${result.code}):\n${result.output}`);
      expect(result.output).toMatch(/Tests:\s+1 passed, 1 total/);
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

function tsc(dir: string, tsconfig: string): Promise<CommandResult> {
  return runCommand(process.execPath, ['node_modules/typescript/bin/tsc', '-p', tsconfig], dir);
}

/** Specifiers of static imports and re-exports, bare imports and `import('…')` with a literal, in compiled code. */
const IMPORTED = /^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\('([^']+)'\)/gm;

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
