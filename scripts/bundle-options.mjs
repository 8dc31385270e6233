// What dnd's two bundles share (scripts/bundle-rank.mjs: the rank program;
// scripts/bundle-commands.mjs: the data commands): ESM for Node 20; the packages they use
// (chalk, cli-table3 and its string-width behind a shortcut for plain text, pretty-bytes) inside, since Node's loader pays
// per file and per package (resolve, package.json, read, link): loading a data command
// took 28-30 ms here with those three outside, 16 ms with them inside; oclif (its own bundle, below) and
// cli-table3's optional colours package outside, as is every node: module. A CommonJS
// package's require() of what stays outside needs a real require in an ES module: the
// banner makes one. The user scripts' jobs (run, px) and their deadlock watchdog are left
// outside as imports of dist/runtime/. A script imports dnd's library from dist/, so those
// jobs must run from there, sharing its one MPI world; left out, they also keep acorn and the
// worker thread out of every other job's start. Both bundles live in a dist/<dir>/, so
// `../runtime/` from the bundle is dist/runtime/.
import { resolve } from 'node:path';

const OCLIF = new URL('../dist/cli/oclif.js', import.meta.url).pathname;
const NARROW_WIDTH = new URL('./string-width-narrow.cjs', import.meta.url).pathname;

export function bundleOptions(entryPoints, outdir) {
  return {
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // cli-table3 requires it only for its own colours, which dnd does not use (chalk does)
    external: ['@colors/colors', '@colors/colors/*'],
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);" },
    plugins: [
      {
        name: 'user-script-jobs-outside',
        setup(b) {
          // imported from dist/runtime/*.js as ./jobs/run.js, ./jobs/px.js, ./watchdog.js
          b.onResolve({ filter: /^\.\/(jobs\/run|jobs\/px|watchdog)\.js$/ }, (a) => ({ path: `../runtime/${a.path.slice(2)}`, external: true }));
        },
      },
      {
        // cli-table3's measure of a cell: a shortcut for plain text (scripts/string-width-narrow.cjs)
        name: 'string-width-narrow',
        setup(b) {
          b.onResolve({ filter: /^string-width$/ }, (a) => (/[\\/]node_modules[\\/]cli-table3[\\/]/.test(a.importer) ? { path: NARROW_WIDTH } : undefined));
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
