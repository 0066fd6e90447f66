#!/usr/bin/env node
// prepack, after the build: removes from dist/lib the outputs of lib/ sources that no longer exist.
// tsc's incremental build leaves them there, and `npm pack` / `npm publish` from a working copy
// would ship modules removed since (a clean clone has none).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const OUTPUT_DIR = 'dist/lib';
const SOURCE_DIR = 'lib';
const OUTPUT_SUFFIX = /(\.d\.ts|\.js\.map|\.js)$/;

const outputs = existsSync(OUTPUT_DIR) ? readdirSync(OUTPUT_DIR, { recursive: true, withFileTypes: true }) : [];
for (const entry of outputs) {
  if (!entry.isFile() || !OUTPUT_SUFFIX.test(entry.name)) continue;
  const output = join(entry.parentPath, entry.name);
  const source = join(SOURCE_DIR, output.slice(OUTPUT_DIR.length + 1).replace(OUTPUT_SUFFIX, '.ts'));
  if (existsSync(source)) continue;
  rmSync(output);
  console.error(`Removed ${output}: its source ${source} no longer exists`);
}
