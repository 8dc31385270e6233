// Shared helpers of the benchmarks: timing whole processes, medians, C floors.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { RANK_NODE_FLAGS } from '../dist/runtime/launcher.js';

export const ROOT = new URL('..', import.meta.url).pathname;
export const BIN = `${ROOT}bin/run.js`;
/**
 * `node` as dnd starts a rank (`dnd run`, every job: src/runtime/launcher.ts RANK_NODE_FLAGS),
 * for the bench's own library ranks (bench/ranks/), so they measure what a script run by dnd gets.
 */
export const RANK_NODE = [process.execPath, ...RANK_NODE_FLAGS];

/** Environment of a local job, as dnd's launcher would set it. */
export function mpiEnv(extra = {}) {
  const env = { ...process.env, OMPI_MCA_pml: process.env.OMPI_MCA_pml ?? 'ob1', OMPI_MCA_io: process.env.OMPI_MCA_io ?? 'romio321', OMPI_MCA_rmaps_base_oversubscribe: '1', NO_COLOR: '1', ...extra };
  if (process.getuid?.() === 0) Object.assign(env, { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' });
  return env;
}

/** Wall seconds of one run of a process; throws if it fails. */
export function timeProcess(cmd, args, env = mpiEnv()) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { seconds: s, stdout: r.stdout };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median, min, max and count of measurements already taken. */
/**
 * Waits until memory freed just before is as idle memory is. On our VMs memory freed a
 * moment ago is still backed by the hypervisor and ~10x cheaper to touch than memory idle
 * for a few seconds (bench/README.md, "HDF5 writes"): whatever ran right after a big
 * free would win by that alone, so runs that allocate much start settled.
 */
export function settle(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function spread(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length };
}

/** Median and spread (min..max) of `runs` measurements, after one warm-up. */
/**
 * Like measure() for several figures at once, their runs interleaved: each round runs every
 * figure once, in an order turned by one each round, so that a machine that changes speed
 * between minutes (ours do: bench/README.md) weighs on all of them alike instead of on
 * whichever was measured then. One warm-up round first. Returns { name: spread } as measure().
 */
export function measureInterleaved(runs, figures) {
  const names = Object.keys(figures);
  const xs = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = -1; r < runs; r++) {
    const shift = Math.max(r, 0) % names.length;
    for (const k of [...names.slice(shift), ...names.slice(0, shift)]) {
      const t = figures[k]();
      if (r >= 0) xs[k].push(t);
    }
  }
  return Object.fromEntries(names.map((k) => [k, { median: median(xs[k]), min: Math.min(...xs[k]), max: Math.max(...xs[k]), runs }]));
}

export function measure(runs, f) {
  f();
  const xs = Array.from({ length: runs }, () => f());
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs };
}

/** Compiles bench/c/NAME.c with mpicc (or h5pcc flags) into bench/bin when stale. */
export function compileC(name, extraFlags = []) {
  // C programs with MPI through mpicc; philox.c has no MPI calls but mpicc compiles it as well
  mkdirSync(`${ROOT}bench/bin`, { recursive: true });
  const src = `${ROOT}bench/c/${name}.c`;
  const out = `${ROOT}bench/bin/${name}`;
  // extra sources (files among the flags) count for staleness too
  const inputs = [src, ...extraFlags.filter((f) => !f.startsWith('-') && existsSync(f))];
  if (!existsSync(out) || inputs.some((f) => statSync(out).mtimeMs < statSync(f).mtimeMs)) {
    // flags after -O2 win (e.g. -O3 -march=native for the fill's floor)
    execFileSync('mpicc', ['-O2', '-o', out, src, ...extraFlags], { stdio: 'inherit' });
  }
  return out;
}
