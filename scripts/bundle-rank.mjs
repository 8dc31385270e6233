#!/usr/bin/env node
// Bundles the rank program (dist/runtime/rank.js and the code it loads) into dist/rank/:
// one file for the entry and a few shared chunks, one per job, instead of ~60 modules.
// A rank of `create` then loads its code in about a third of the time (bench/RESULTS.md,
// where launch time goes): Node's module loader pays per file (resolve, read, link), and
// every rank pays it again, 4x on 2 cores at -n 4.
// The packages it uses are inside (scripts/bundle-options.mjs). User scripts' jobs (run, px)
// and their deadlock watchdog stay outside: a script imports dnd's library from dist/, and a second copy of
// the library inside the bundle would be a second MPI world, so src/runtime/launcher.ts
// starts those jobs with dist/runtime/rank.js. Left out, they also keep acorn and the
// worker thread out of every other job's start; their imports point at dist/runtime/.
// All files land flat in dist/rank/, two levels below the package root like every
// dist/<dir>/ module, so `new URL('../../', import.meta.url)` (src/native/index.ts) still
// finds the root. Run by scripts/build.sh and scripts/prepare.mjs after tsc.
import { rmSync } from 'node:fs';
import { bundleOptions } from './bundle-options.mjs';

const root = new URL('..', import.meta.url).pathname;
const { build } = await import('esbuild');
rmSync(`${root}dist/rank`, { recursive: true, force: true });
await build(bundleOptions({ rank: `${root}dist/runtime/rank.js` }, `${root}dist/rank`));
