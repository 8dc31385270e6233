#!/usr/bin/env node
// Bundles each data command (create, info, resplit, redistribute, chunk): after tsc,
// dist/commands/<name>.cjs holds the command and the ~60 modules it imports, and
// dist/commands/<name>.js, the file oclif's manifest names, becomes a two-line ES module
// that loads that bundle with its V8 code cache (src/runtime/code-cache.ts;
// scripts/code-cache.mjs writes it). Node's module loader pays per file (resolve, read,
// link), ~30 ms of every `dnd create` here, and an ES module of one file still ~20 ms
// to parse, compile and link: the cached CommonJS bundle loads in 7-11.
// Not bundled: run and px, which run a user script in this process when -n 1 — the script
// imports dnd's library from dist/, and a second copy of the library would be a second MPI
// world —, doctor and the trace commands (rarely on a path where start-up counts).
// A bundled command holds its own copies of dnd's error classes; bin/run.js recognises them
// anyway (src/dnd/brand.ts). What is inside and outside: scripts/bundle-options.mjs. Run
// by scripts/build.sh and scripts/prepare.mjs after tsc, before the manifest is written.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { bundleOptions } from './bundle-options.mjs';
import { rewriteDynamicImports } from './dynamic-imports.mjs';
import { fileURLToPath } from 'node:url';

const BUNDLED_COMMANDS = ['create', 'info', 'resplit', 'redistribute', 'chunk'];

const root = fileURLToPath(new URL('../', import.meta.url)); // a path, not a URL (spaces stay spaces)
const { build } = await import('esbuild');
const STUB = (c) => `// The ${c} command, bundled (scripts/bundle-commands.mjs): loaded with its V8 code cache.\n`;
// tsc's output is what gets bundled: a second run over the stubs would bundle a stub
for (const c of BUNDLED_COMMANDS) {
  if (readFileSync(`${root}dist/commands/${c}.js`, 'utf8').startsWith(STUB(c))) {
    process.stderr.write(`bundle-commands: dist/commands/${c}.js is already the bundle's stub: compile first (npm run build)\n`);
    process.exit(1);
  }
}
const stage = `${root}dist/.commands-bundle`;
rmSync(stage, { recursive: true, force: true });
await build(bundleOptions(Object.fromEntries(BUNDLED_COMMANDS.map((c) => [c, `${root}dist/commands/${c}.js`])), stage));
for (const c of BUNDLED_COMMANDS) {
  const bundle = `${root}dist/commands/${c}.cjs`;
  renameSync(`${stage}/${c}.cjs`, bundle);
  rewriteDynamicImports(bundle); // import() of the user-script jobs, through the banner
  // the command class is the bundle's default export; its other exports are for tests, which import src/
  writeFileSync(
    `${root}dist/commands/${c}.js`,
    STUB(c) +
      `import { fileURLToPath } from 'node:url';\n` +
      `import { requireBundle } from '../runtime/code-cache.js';\n` +
      `export default requireBundle(fileURLToPath(new URL('./${c}.cjs', import.meta.url))).default;\n`,
  );
  rmSync(`${root}dist/commands/${c}.js.map`, { force: true }); // tsc's map describes the old file
  rmSync(`${root}dist/commands/${c}.d.ts`, { force: true });
}
rmSync(stage, { recursive: true, force: true });
