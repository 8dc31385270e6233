#!/usr/bin/env node
// npm's `prepare` step: before `npm pack` / `npm publish`, and in the clone npm makes when
// dnd is installed from a git URL. It compiles the TypeScript, bundles the rank program
// (scripts/bundle-rank.mjs), and writes the oclif manifest
// and man pages, so the package holds dist/ and oclif.manifest.json; the native binding is
// built where the package is installed (scripts/install.mjs), so nothing here needs MPI.
// The same steps, with the same stamp, as the TypeScript part of scripts/build.sh: a clone
// that build.sh has built is left as it is, and build.sh after this has nothing to redo.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url)); // a path, not a URL (spaces stay spaces)
const stamp = `${root}dist/.stamp`;

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

const inputs = ['src', 'bin', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) => `${root}${p}`);
if (existsSync(stamp) && Math.max(...inputs.map(newest)) <= statSync(stamp).mtimeMs) process.exit(0);

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
process.stderr.write('[prepare] typescript, oclif manifest and man pages\n');
// compile beside the old build and swap only on success, as scripts/build.sh does
rmSync(`${root}dist.new`, { recursive: true, force: true });
run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json', '--outDir', 'dist.new']);
rmSync(`${root}dist`, { recursive: true, force: true });
renameSync(`${root}dist.new`, `${root}dist`);
run(process.execPath, ['scripts/bundle-oclif.mjs']);
run(process.execPath, ['scripts/bundle-rank.mjs']);
run(process.execPath, ['scripts/bundle-commands.mjs']);
run(process.execPath, ['scripts/code-cache.mjs']);
run(process.execPath, ['scripts/gen-manifest.mjs']);
run(process.execPath, ['scripts/gen-man.mjs']);
writeFileSync(stamp, '');
