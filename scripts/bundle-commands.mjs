#!/usr/bin/env node
// Bundles each data command (create, info, resplit, redistribute, chunk) in place: after
// tsc, dist/commands/<name>.js is replaced by one file holding the command and the ~60
// modules it imports. Node's module loader pays per file (resolve, read, link), ~30 ms of
// every `dnd create` here (bench/RESULTS.md, where launch time goes).
// Not bundled: run and px, which run a user script in this process when -n 1 — the script
// imports dnd's library from dist/, and a second copy of the library would be a second MPI
// world —, doctor and the trace commands (rarely on a path where start-up counts).
// A bundled command holds its own copies of dnd's error classes; bin/run.js recognises them
// anyway (src/dnd/brand.ts). Packages (node_modules) stay outside, and so do the user
// scripts' jobs and their watchdog, as in scripts/bundle-rank.mjs. The bundle sits where
// the command was, two levels below the package root, so paths built from
// import.meta.url (the binding's, src/native/index.ts) still resolve. Run by
// scripts/build.sh and scripts/prepare.mjs after tsc, before the manifest is written.
import { renameSync, rmSync } from 'node:fs';

const BUNDLED_COMMANDS = ['create', 'info', 'resplit', 'redistribute', 'chunk'];

const root = new URL('..', import.meta.url).pathname;
const { build } = await import('esbuild');
const stage = `${root}dist/.commands-bundle`;
rmSync(stage, { recursive: true, force: true });
await build({
  entryPoints: Object.fromEntries(BUNDLED_COMMANDS.map((c) => [c, `${root}dist/commands/${c}.js`])),
  outdir: stage,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  plugins: [
    {
      name: 'user-script-jobs-outside',
      setup(b) {
        // from dist/runtime/*.js these are ./jobs/run.js …; the bundle lives in dist/commands/
        b.onResolve({ filter: /^\.\/(jobs\/run|jobs\/px|watchdog)\.js$/ }, (a) => ({ path: `../runtime/${a.path.slice(2)}`, external: true }));
      },
    },
  ],
  logLevel: 'warning',
});
for (const c of BUNDLED_COMMANDS) {
  renameSync(`${stage}/${c}.js`, `${root}dist/commands/${c}.js`);
  rmSync(`${root}dist/commands/${c}.js.map`, { force: true }); // tsc's map describes the old file
}
rmSync(stage, { recursive: true, force: true });
