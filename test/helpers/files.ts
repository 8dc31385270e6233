/** Temporary directories and h5py/h5dump helpers for the HDF5 tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { ROOT } from './run.js';

/** Debian's h5py lives in the system Python (python3-h5py installs into /usr/bin/python3's packages), not the first python3 on PATH. */
export const PYTHON = '/usr/bin/python3';

export function tempDir(prefix = 'dnd-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** h5py in a plain process (its serial build), as a reader of dnd's files would use it. */
export function py<T>(script: string, args: string[]): T {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OMPI_') || k.startsWith('PMIX_')) delete env[k];
  return JSON.parse(execFileSync(PYTHON, [`${ROOT}test/py/${script}`, ...args], { encoding: 'utf8', env })) as T;
}

export function h5dump(args: string[]): string {
  return execFileSync('h5dump', args, { encoding: 'utf8' });
}
