#!/usr/bin/env node
// Bundles the rank program into two CommonJS files instead of ~60 modules:
// dist/rank/program.cjs, the program (dist/runtime/rank-main.js and the code it loads), and
// dist/rank/rank.cjs, its entry (dist/runtime/rank-bundled.js), which loads the program
// with its V8 code cache (src/runtime/code-cache.ts; scripts/code-cache.mjs writes it).
// A rank of `create` then loads its code in about a third of the time (bench/RESULTS.md,
// where launch time goes): Node's module loader pays per file (resolve, read, link), and
// every rank pays it again, 4x on 2 cores at -n 4.
// The packages it uses are inside (scripts/bundle-options.mjs). User scripts' jobs (run, px)
// and their deadlock watchdog stay outside: a script imports dnd's library from dist/, and a second copy of
// the library inside the bundle would be a second MPI world, so src/runtime/launcher.ts
// starts those jobs with dist/runtime/rank.js. Left out, they also keep acorn and the
// worker thread out of every other job's start; their imports point at dist/runtime/.
// The files land in dist/rank/, two levels below the package root like every
// dist/<dir>/ module, so `new URL('../../', import.meta.url)` (src/native/index.ts) still
// finds the root. Run by scripts/build.sh and scripts/prepare.mjs after tsc.
import { rmSync } from 'node:fs';
import { bundleOptions } from './bundle-options.mjs';
import { rewriteDynamicImports } from './dynamic-imports.mjs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url)); // a path, not a URL (spaces stay spaces)
const { build } = await import('esbuild');
rmSync(`${root}dist/rank`, { recursive: true, force: true });
// CommonJS, as both bundles are (./bundle-options.mjs): besides the code cache, Node starts a
// CommonJS main file sooner (its ES loader is set up for an ES entry only): 78-84 against
// 82-89 ms to a rank's exit here, interleaved, once per rank, four times on two cores at -n 4.
await build(bundleOptions({ rank: `${root}dist/runtime/rank-bundled.js`, program: `${root}dist/runtime/rank-main.js` }, `${root}dist/rank`));
// import() of the program (the user-script jobs, tfjs) through the banner (./dynamic-imports.mjs)
for (const f of ['rank', 'program']) rewriteDynamicImports(`${root}dist/rank/${f}.cjs`);
