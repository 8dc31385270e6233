#!/usr/bin/env node
// Writes V8's code cache beside dnd's CommonJS bundles (src/runtime/code-cache.ts reads
// it): oclif's (dist/vendor/oclif-core.cjs), the data commands' (dist/commands/*.cjs) and
// the rank program (dist/rank/program.cjs).
// Each is loaded in a process of its own, started as its users start it, since V8 rejects
// a cache made under other flags: the CLI's plain `node` (oclif's engine check off, as
// dist/cli/oclif.js loads it), the ranks' `node --single-threaded-gc` (RANK_NODE_FLAGS).
// The rank program, loaded with no job, says so on stderr and exits: its modules are all
// loaded by then, which is what the cache is for. Run by scripts/build.sh and
// scripts/prepare.mjs after the bundles, and by scripts/install.mjs for the Node that
// installs the package. A cache that cannot be written is left out: dnd then compiles.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const { RANK_NODE_FLAGS } = await import(`${root}dist/runtime/launcher.js`);
const { codeCachePath } = await import(`${root}dist/runtime/code-cache.js`);

const cli = { flags: [], env: { OCLIF_DISABLE_ENGINE_WARNING: '1' } };
const commands = existsSync(`${root}dist/commands`) ? readdirSync(`${root}dist/commands`).filter((f) => f.endsWith('.cjs')) : [];
const bundles = [
  { file: `${root}dist/vendor/oclif-core.cjs`, ...cli },
  ...commands.map((f) => ({ file: `${root}dist/commands/${f}`, ...cli })),
  { file: `${root}dist/rank/program.cjs`, flags: RANK_NODE_FLAGS, env: {} },
];
let failed = 0;
for (const { file, flags, env } of bundles) {
  const cache = codeCachePath(file);
  rmSync(cache, { force: true });
  if (!existsSync(file)) continue;
  const load = `import { writeCodeCache } from ${JSON.stringify(`${root}dist/runtime/code-cache.js`)};\nwriteCodeCache(${JSON.stringify(file)});\n`;
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', load], { env: { ...process.env, ...env, DND_TIMING: '' }, encoding: 'utf8' });
  if (!existsSync(cache)) {
    failed++;
    process.stderr.write(`[code-cache] none for ${file}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0]}\n`);
  }
}
// a missing cache only costs start-up time: never a failed build
if (failed) process.stderr.write(`[code-cache] ${failed} bundle(s) will be compiled at every start\n`);
