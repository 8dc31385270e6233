// What dnd's two bundles share (scripts/bundle-rank.mjs: the rank program;
// scripts/bundle-commands.mjs: the data commands): ESM for Node 20, packages left as imports
// of node_modules, and the user scripts' jobs (run, px) and their deadlock watchdog left
// outside as imports of dist/runtime/. A script imports dnd's library from dist/, so those
// jobs must run from there, sharing its one MPI world; left out, they also keep acorn and the
// worker thread out of every other job's start. Both bundles live in a dist/<dir>/, so
// `../runtime/` from the bundle is dist/runtime/.
import { resolve } from 'node:path';

const OCLIF = new URL('../dist/cli/oclif.js', import.meta.url).pathname;

export function bundleOptions(entryPoints, outdir) {
  return {
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [
      {
        name: 'user-script-jobs-outside',
        setup(b) {
          // imported from dist/runtime/*.js as ./jobs/run.js, ./jobs/px.js, ./watchdog.js
          b.onResolve({ filter: /^\.\/(jobs\/run|jobs\/px|watchdog)\.js$/ }, (a) => ({ path: `../runtime/${a.path.slice(2)}`, external: true }));
        },
      },
      {
        // one oclif for the whole CLI: dist/cli/oclif.js (scripts/bundle-oclif.mjs), imported
        // as ./oclif.js from dist/cli/ and ../cli/oclif.js from dist/commands/
        name: 'oclif-outside',
        setup(b) {
          b.onResolve({ filter: /\/oclif\.js$/ }, (a) => (resolve(a.resolveDir, a.path) === OCLIF ? { path: '../cli/oclif.js', external: true } : undefined));
        },
      },
    ],
    logLevel: 'warning',
  };
}
