#!/usr/bin/env node
// Bundles @oclif/core into one file, dist/vendor/oclif-core.cjs, and points dnd's oclif
// module (dist/cli/oclif.js, which tsc compiled as a re-export of '@oclif/core') at it.
// Node's module loader pays per file (resolve, stat, read, compile): oclif and what it
// requires at start-up are ~160 CommonJS files, ~60 ms of every dnd command here; the one
// file loads in ~25 ms. CommonJS, as oclif is written, so its own require(), __dirname
// and require.resolve() of plugins keep their meaning. TypeScript loaders (typescript,
// ts-node, tsx), which oclif looks for only in development set-ups, stay outside.
// oclif's plugins (help, commands, autocomplete) still load the package's own copy when
// one of their commands runs; oclif hands a command the config of the copy that found it
// (Config.load of a config from another copy builds its own), so both work.
// Run by scripts/build.sh and scripts/prepare.mjs after tsc, before the other bundles.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IMPORT_BANNER, rewriteDynamicImports } from './dynamic-imports.mjs';

const root = fileURLToPath(new URL('../', import.meta.url)); // a path, not a URL (spaces stay spaces)
const { build } = await import('esbuild');

// oclif's logger creates its `debug` loggers at load, and `debug` then looks at the
// terminal and the environment (supports-color, tty, util): ~8 ms of every command for
// output that appears only with DEBUG set. In the bundle, `require('debug')` gets this
// stand-in, which requires the real one (bundled too, evaluated only then) when DEBUG is
// set, and otherwise hands out loggers that print nothing, which is what `debug` does
// without DEBUG.
const DEBUG_STANDIN = `${root}scripts/oclif-debug-standin.cjs`;
const debugOnDemand = {
  name: 'debug-on-demand',
  setup(b) {
    b.onResolve({ filter: /^debug$/ }, (a) => (a.importer === DEBUG_STANDIN ? undefined : { path: DEBUG_STANDIN }));
  },
};
mkdirSync(`${root}dist/vendor`, { recursive: true });
await build({
  entryPoints: [`${root}node_modules/@oclif/core/lib/index.js`],
  outfile: `${root}dist/vendor/oclif-core.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['typescript', 'ts-node', 'tsx', 'tsx/*'],
  plugins: [debugOnDemand],
  // less to parse and compile; names kept (oclif and its users read class and function names)
  minifyWhitespace: true,
  minifySyntax: true,
  // its import() calls (the commands' modules) go through the banner's __dndImport
  // (./dynamic-imports.mjs); "use strict" first, since esbuild's own directive after a
  // banner would be an ordinary statement (oclif's modules are all strict)
  banner: { js: `'use strict';\n${IMPORT_BANNER}` },
  logLevel: 'warning',
});
rewriteDynamicImports(`${root}dist/vendor/oclif-core.cjs`);
// the names src/cli/oclif.ts exports, from the bundle. Loaded as require() would, with its
// V8 code cache (src/runtime/code-cache.ts, written by scripts/code-cache.mjs): an ES import
// of a CommonJS file first scans all of it for export names (~35 ms for this one). oclif
// checks at load that Node satisfies its own `engines` (>= 18, below dnd's), evaluating
// all of semver for it (~5 ms): switched off for the load alone, the variable restored.
writeFileSync(
  `${root}dist/cli/oclif.js`,
  [
    '// written by scripts/bundle-oclif.mjs: oclif from its one-file bundle (see there)',
    "import { fileURLToPath } from 'node:url';",
    "import { requireBundle } from '../runtime/code-cache.js';",
    '',
    'const env = process.env;',
    'const engineWarning = env.OCLIF_DISABLE_ENGINE_WARNING;',
    "env.OCLIF_DISABLE_ENGINE_WARNING = '1';",
    'let core;',
    'try {',
    "  core = requireBundle(fileURLToPath(new URL('../vendor/oclif-core.cjs', import.meta.url)));",
    '} finally {',
    '  if (engineWarning === undefined) delete env.OCLIF_DISABLE_ENGINE_WARNING;',
    '  else env.OCLIF_DISABLE_ENGINE_WARNING = engineWarning;',
    '}',
    'export const { Args, Command, Flags, flush, run } = core;',
    '',
  ].join('\n'),
);
rmSync(`${root}dist/cli/oclif.js.map`, { force: true }); // tsc's map describes the re-export it replaced
