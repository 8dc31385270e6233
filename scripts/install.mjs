#!/usr/bin/env node
// npm's `install` step of the package (package.json "scripts.install"): builds the native
// binding where dnd is installed (from the packed tarball, a git URL or the registry) with
// node-gyp and the same MPI / parallel HDF5 discovery as scripts/build.sh (binding.gyp asks
// scripts/native-flags.mjs). A clone is left alone: there `npm run build` (scripts/build.sh)
// builds what changed. Without MPI or HDF5 the install still succeeds; the CLI then says
// what is missing and how to rebuild (src/native/index.ts), and the reason is kept in
// build/install.log. node-gyp is the one npm ships (npm_config_node_gyp), else PATH's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url)); // a path, not a URL (spaces stay spaces)
const say = (s) => process.stderr.write(`[dnd install] ${s}\n`);

if (existsSync(`${root}.git`)) {
  say('a clone of the repository: build with npm run build (scripts/build.sh)');
  process.exit(0);
}

// V8's code caches of the bundles, for the Node installing the package (V8 rejects those
// of another Node): a failure leaves them out, which costs only start-up time
spawnSync(process.execPath, [`${root}scripts/code-cache.mjs`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

mkdirSync(`${root}build`, { recursive: true });
const log = `${root}build/install.log`;
const fail = (why) => {
  writeFileSync(log, `${why}\n`);
  say(`the native binding was not built: ${why.split('\n')[0]}`);
  say('dnd is installed, but its commands will say what is missing until it is rebuilt: npm rebuild @dnd-hpc/dnd');
  process.exit(0);
};

// MPI first, on its own: a machine without it gets one clear line, not a compiler's pages
for (const args of [['cflags', 'mpi'], ['cflags']]) {
  const probe = spawnSync(process.execPath, [`${root}scripts/native-flags.mjs`, ...args], { cwd: root, encoding: 'utf8' });
  if (probe.status !== 0) fail((probe.stderr || probe.stdout || 'native-flags.mjs failed').trim());
}

const gyp = process.env.npm_config_node_gyp;
const [cmd, pre] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
const t0 = Date.now();
const r = spawnSync(cmd, [...pre, 'rebuild', '--loglevel=error'], {
  cwd: root,
  encoding: 'utf8',
  // both modules build in parallel on a machine with more than one core
  env: { ...process.env, JOBS: process.env.JOBS ?? 'max' },
});
if (r.error || r.status !== 0) fail(`node-gyp rebuild failed${r.error ? `: ${r.error.message}` : ''}\n${r.stderr ?? ''}${r.stdout ?? ''}`);

// what it was built against, beside the modules, as scripts/build.sh records it
const flags = spawnSync(process.execPath, [`${root}scripts/native-flags.mjs`, 'json'], { cwd: root, encoding: 'utf8' });
if (flags.status === 0) writeFileSync(`${root}build/Release/native-build.json`, flags.stdout);
writeFileSync(log, `built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
say(`native binding built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
