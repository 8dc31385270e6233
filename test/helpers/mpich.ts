/**
 * The MPICH side of the suite (test/mpich/*.test.ts): a second copy of the binding built
 * against Debian's MPICH into build-mpich/ (scripts/build.sh --native-dir; quick when up
 * to date), selected at run time with DND_NATIVE_DIR, and MPICH's mpiexec (Hydra).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from './run.js';

export const MPICH_DIR = `${ROOT}build-mpich`;
export const MPIEXEC_MPICH = 'mpiexec.mpich';

/** True when Debian's MPICH packages are installed (scripts/setup.sh --test installs them). */
export function mpichInstalled(): boolean {
  return spawnSync('mpicc.mpich', ['-show'], { encoding: 'utf8' }).status === 0 && spawnSync('pkg-config', ['--exists', 'hdf5-mpich']).status === 0;
}

/** Builds (or confirms) build-mpich/; returns what build.sh said (empty when up to date). */
export function buildMpich(): string {
  const r = spawnSync('bash', [`${ROOT}scripts/build.sh`, '--native-dir', MPICH_DIR], { encoding: 'utf8', env: { ...process.env, MPICC: 'mpicc.mpich' } });
  if (r.status !== 0) throw new Error(`the MPICH build failed: ${r.stderr}`);
  return r.stderr;
}

/** Environment for dnd on the MPICH binding and mpiexec. */
export function mpichEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { DND_NATIVE_DIR: MPICH_DIR, DND_MPIEXEC: MPIEXEC_MPICH, ...extra };
}

/** The same, for spawning a process directly (an outside mpiexec.mpich). */
export function mpichProcessEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DND_NATIVE_DIR: MPICH_DIR };
  for (const k of Object.keys(env)) if (/^(OMPI_|PMIX_|PMI_)/.test(k)) delete env[k];
  return env;
}

/** The shared libraries a module needs, as ldd resolves them. */
export function neededLibraries(module: string): string[] {
  return execFileSync('ldd', [module], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}
