#!/usr/bin/env node
// Bundles each data command (create, info, resplit, redistribute, chunk) in place: after
// tsc, dist/commands/<name>.js is replaced by one file holding the command and the ~60
// modules it imports. Node's module loader pays per file (resolve, read, link), ~30 ms of
// every `dnd create` here (bench/RESULTS.md, where launch time goes).
// Not bundled: run and px, which run a user script in this process when -n 1 — the script
// imports dnd's library from dist/, and a second copy of the library would be a second MPI
// world —, doctor and the trace commands (rarely on a path where start-up counts).
// A bundled command holds its own copies of dnd's error classes; bin/run.js recognises them
// anyway (src/dnd/brand.ts). The packages they use are inside; oclif and the user
// scripts' jobs stay outside (scripts/bundle-options.mjs). The bundle sits where
// the command was, two levels below the package root, so paths built from
// import.meta.url (the binding's, src/native/index.ts) still resolve. Run by
// scripts/build.sh and scripts/prepare.mjs after tsc, before the manifest is written.
import { renameSync, rmSync } from 'node:fs';
import { bundleOptions } from './bundle-options.mjs';

const BUNDLED_COMMANDS = ['create', 'info', 'resplit', 'redistribute', 'chunk'];

const root = new URL('..', import.meta.url).pathname;
const { build } = await import('esbuild');
const stage = `${root}dist/.commands-bundle`;
rmSync(stage, { recursive: true, force: true });
await build(bundleOptions(Object.fromEntries(BUNDLED_COMMANDS.map((c) => [c, `${root}dist/commands/${c}.js`])), stage));
for (const c of BUNDLED_COMMANDS) {
  renameSync(`${stage}/${c}.js`, `${root}dist/commands/${c}.js`);
  rmSync(`${root}dist/commands/${c}.js.map`, { force: true }); // tsc's map describes the old file
}
rmSync(stage, { recursive: true, force: true });
