#!/usr/bin/env node
// Writes V8's code cache beside dnd's CommonJS bundles (src/runtime/code-cache.ts reads
// it): oclif's (dist/vendor/oclif-core.cjs), the data commands' (dist/commands/*.cjs) and
// the rank program (dist/rank/program.cjs).
// Each is loaded in a process of its own, started as its users start it, since V8 rejects
// a cache made under other flags: the CLI's plain `node` (oclif's engine check off, as
// dist/cli/oclif.js loads it), the ranks' `node --single-threaded-gc` (RANK_NODE_FLAGS).
// A cache holds what was compiled when it was written, so the CLI's bundles are written
// after one real run of each data command, in-process (-n 1, a generated array, nothing
// written, no MPI): parse, validation, the job and the table are then in the cache too
// (`dnd create … -n 1` ~15 ms sooner here than with caches of the load alone); oclif's
// after the create run. The rank program's is written after it ran a rank of `create` on
// a world of one (MPI as a singleton; ~4 ms less per rank). Run by scripts/build.sh and
// scripts/prepare.mjs after the bundles, and by scripts/install.mjs for the Node that
// installs the package. A warm-up run that fails says so and leaves a cache of the load
// alone; a cache that cannot be written is left out: dnd then compiles.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { RANK_NODE_FLAGS, rankEnvironment } = await import(`${root}dist/runtime/launcher.js`);
const { encodeEnvelope } = await import(`${root}dist/runtime/job.js`);
const { codeCachePath } = await import(`${root}dist/runtime/code-cache.js`);
const { modulePaths } = await import(`${root}dist/native/locate.js`);
// npm's `prepare` (in a fresh clone, during `npm ci`) runs before the binding is built:
// every warm-up run needs it, so they would all fail. Caches of the load alone then, said
// once; scripts/build.sh writes warm ones after it has built the binding.
const binding = modulePaths('mpi_napi').some((p) => existsSync(p));
if (!binding) process.stderr.write('[code-cache] no native binding yet: caches of the load alone (scripts/build.sh writes warm ones once it is built)\n');

const cli = { flags: [], env: { OCLIF_DISABLE_ENGINE_WARNING: '1' } };
const lib = JSON.stringify(`${root}dist/runtime/code-cache.js`);
// the run that warms each command's bundle: in-process, a generated array, table output
const WARM_RUNS = {
  create: ['create', 'randn', '7,4,3', '-n', '1'],
  info: ['info', 'randn:7,4,3', '-n', '1'],
  resplit: ['resplit', 'randn:7,4,3', '--axis', '1', '-n', '1'],
  redistribute: ['redistribute', 'randn:7,4,3', '--balance', '-n', '1'],
  chunk: ['chunk', '1000,30', '-n', '4'],
};
// the job that warms the rank program: a rank of create on a world of one (MPI as a singleton)
const RANK_JOB = encodeEnvelope({ v: 1, token: 'codecache', nprocs: 1, color: false, job: { op: 'create', kind: 'randn', gshape: [7, 4, 3], dtype: 'float32', split: 0, seed: 0, counts: null } });

/** A module that writes the caches of `files` when it exits, after running dnd with `argv` (if any) in-process. */
function warmProgram(files, argv, rankJob) {
  const lines = [...(rankJob ? [`process.argv[2] = ${JSON.stringify(RANK_JOB)};`] : []), `import { writeCodeCache } from ${lib};`, ...files.map((f) => `writeCodeCache(${JSON.stringify(f)});`)];
  if (argv) {
    lines.push(
      `const { run, flush } = await import(${JSON.stringify(`${root}dist/cli/oclif.js`)});`,
      `const { oclifLoad } = await import(${JSON.stringify(`${root}dist/cli/load-options.js`)});`,
      `const argv = ${JSON.stringify(argv)};`,
      'try {',
      `  await run(argv, oclifLoad(argv, ${JSON.stringify(pathToFileURL(`${root}bin/run.js`).href)}));`,
      '  await flush();',
      '} catch (e) {',
      "  process.stderr.write(`warm-up: ${e.message}\\n`);",
      '  process.exitCode = 1;',
      '}',
    );
  }
  return lines.join('\n');
}

const oclif = `${root}dist/vendor/oclif-core.cjs`;
const commands = existsSync(`${root}dist/commands`) ? readdirSync(`${root}dist/commands`).filter((f) => f.endsWith('.cjs')) : [];
const jobs = [
  // oclif first, with create: a command bundle requires oclif's, which is then the one in memory
  ...commands.map((f) => {
    const name = f.replace(/\.cjs$/, '');
    const files = [...(name === 'create' ? [oclif] : []), `${root}dist/commands/${f}`];
    return { files, argv: WARM_RUNS[name] ?? null, ...cli };
  }),
  ...(commands.includes('create.cjs') ? [] : [{ files: [oclif], argv: null, ...cli }]),
  { files: [`${root}dist/rank/program.cjs`], argv: null, rankJob: true, flags: RANK_NODE_FLAGS, env: rankEnvironment(process.env, 1, true, false, true) },
];
const write = (files, argv, rankJob, flags, env) =>
  spawnSync(process.execPath, [...flags, '--input-type=module', '-e', warmProgram(files, argv, rankJob)], {
    env: { ...process.env, ...env, DND_TIMING: '', NO_COLOR: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000, // each run takes well under a second here
  });
let failed = 0;
for (const job of jobs) {
  const { files, flags, env } = job;
  // without the binding, no warm-up run (above)
  const argv = binding ? job.argv : null;
  const rankJob = binding ? (job.rankJob ?? false) : false;
  for (const f of files) rmSync(codeCachePath(f), { force: true });
  if (!files.every((f) => existsSync(f))) continue;
  let r = write(files, argv, rankJob, flags, env);
  // the warm-up run failed before its exit (killed at the timeout, MPI refused): the load alone
  if ((argv || rankJob) && (r.status !== 0 || !files.every((f) => existsSync(codeCachePath(f))))) {
    const lines = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n');
    const why = lines.find((l) => l.startsWith('warm-up: ')) ?? lines[0];
    process.stderr.write(`[code-cache] the warm-up run for ${files.map((f) => f.slice(root.length)).join(', ')} failed (${why}): caches of the load alone\n`);
    for (const f of files) rmSync(codeCachePath(f), { force: true });
    r = write(files, null, false, flags, env);
  }
  for (const f of files) {
    if (existsSync(codeCachePath(f))) continue;
    failed++;
    process.stderr.write(`[code-cache] none for ${f}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0]}\n`);
  }
}
// a missing cache only costs start-up time: never a failed build
if (failed) process.stderr.write(`[code-cache] ${failed} bundle(s) will be compiled at every start\n`);
