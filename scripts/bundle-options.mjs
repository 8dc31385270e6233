// What dnd's two bundles share (scripts/bundle-rank.mjs: the rank program;
// scripts/bundle-commands.mjs: the data commands): CommonJS files (`.cjs`) for Node 20,
// which src/runtime/code-cache.ts loads with the V8 code cache the build writes beside
// each (scripts/code-cache.mjs; V8's cache is made for scripts, not ES modules). The
// packages they use (chalk, cli-table3 and its string-width behind a shortcut for plain
// text, pretty-bytes) are inside, since Node's loader pays per file and per package
// (resolve, package.json, read, link): loading a data command took 28-30 ms here with
// those three outside, 16 ms with them inside; oclif (its own bundle, dist/vendor/) and
// cli-table3's optional colours package stay outside, as does every node: module. The
// user scripts' jobs (run, px) and their deadlock watchdog are left outside as imports of
// dist/runtime/: a script imports dnd's library from dist/, so those jobs must run from
// there, sharing its one MPI world; left out, they also keep acorn and the worker thread
// out of every other job's start. Both bundles live in a dist/<dir>/, two levels below
// the package root like every dist/ module, so `../runtime/` from a bundle is
// dist/runtime/ and `new URL('../../', import.meta.url)` (src/native/index.ts) still
// finds the root: the code's import.meta.url becomes the bundle's own URL. The banner
// opens with "use strict": an ES module is strict by itself, and the directive esbuild
// writes after a banner would be an ordinary statement, leaving the code sloppy (writes
// to frozen objects or undeclared names failing silently). Then every import() is
// rewritten (rewriteDynamicImports, ./dynamic-imports.mjs), after the build.
import { resolve } from 'node:path';
import { IMPORT_BANNER } from './dynamic-imports.mjs';
import { fileURLToPath } from 'node:url';

const OCLIF = fileURLToPath(new URL('../dist/cli/oclif.js', import.meta.url));
const NARROW_WIDTH = fileURLToPath(new URL('./string-width-narrow.cjs', import.meta.url));

export function bundleOptions(entryPoints, outdir) {
  return {
    entryPoints,
    outdir,
    bundle: true,
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    target: 'node20',
    // cli-table3 requires it only for its own colours, which dnd does not use (chalk does)
    external: ['@colors/colors', '@colors/colors/*'],
    banner: { js: `'use strict';\nconst __bundleUrl = require('node:url').pathToFileURL(__filename).href;\n${IMPORT_BANNER}` },
    define: { 'import.meta.url': '__bundleUrl' },
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
        // one oclif for the whole CLI: the bundle dist/cli/oclif.js (an ES module) loads,
        // dist/vendor/oclif-core.cjs (scripts/bundle-oclif.mjs). A CommonJS bundle requires
        // that file itself: the same path, so the same module (require.cache) as the CLI's.
        name: 'oclif-outside',
        setup(b) {
          b.onResolve({ filter: /\/oclif\.js$/ }, (a) => (resolve(a.resolveDir, a.path) === OCLIF ? { path: '../vendor/oclif-core.cjs', external: true } : undefined));
        },
      },
    ],
    logLevel: 'warning',
  };
}
