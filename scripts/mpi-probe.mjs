// Probes for scripts/native-flags.mjs: ask an MPI and an HDF5 who they are, from their own
// headers and libraries, so the build never guesses from file names alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';

/** Output of a command, or null when it is missing or fails. Never through a shell. */
export function ask(cmd, args, input) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'], timeout: 30000 }).trim();
  } catch {
    return null;
  }
}

/** First executable called `name` on PATH (a name with a slash is taken as given). */
export function which(name) {
  if (name.includes('/')) return existsSync(name) ? resolve(name) : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The preprocessor's macros after including `header` with these flags (null: no compiler). */
function macros(compiler, cflags, header) {
  const out = ask(compiler, ['-E', '-dM', '-x', 'c', ...cflags, '-'], `#include <${header}>\n`);
  if (out === null) return null;
  const m = new Map();
  for (const line of out.split('\n')) {
    const x = /^#define (\w+) (.*)$/.exec(line);
    if (x) m.set(x[1], x[2].trim().replace(/^"(.*)"$/, '$1'));
  }
  return m;
}

/**
 * Which MPI mpi.h belongs to. Every MPICH derivative defines MPICH_VERSION (they share
 * MPICH's ABI), so the derivatives are asked first. family: 'openmpi' | 'mpich'.
 */
export function mpiIdentity(compiler, cflags) {
  const m = macros(compiler, cflags, 'mpi.h') ?? macros('cc', cflags, 'mpi.h');
  if (!m) return { family: 'unknown', name: 'unknown MPI', version: null };
  if (m.has('OMPI_MAJOR_VERSION')) {
    return { family: 'openmpi', name: 'Open MPI', version: `${m.get('OMPI_MAJOR_VERSION')}.${m.get('OMPI_MINOR_VERSION')}.${m.get('OMPI_RELEASE_VERSION')}` };
  }
  if (m.has('I_MPI_VERSION')) return { family: 'mpich', name: 'Intel MPI', version: m.get('I_MPI_VERSION') };
  if (m.has('CRAY_MPICH_VERSION')) return { family: 'mpich', name: 'Cray MPICH', version: m.get('CRAY_MPICH_VERSION') };
  if (m.has('MVAPICH2_VERSION')) return { family: 'mpich', name: 'MVAPICH2', version: m.get('MVAPICH2_VERSION') };
  if (m.has('MPICH_VERSION')) return { family: 'mpich', name: 'MPICH', version: m.get('MPICH_VERSION') };
  return { family: 'unknown', name: 'unknown MPI', version: null };
}

/** HDF5's version and whether it is a parallel build, from its own headers. */
export function hdf5Identity(compiler, cflags) {
  const m = macros(compiler, cflags, 'hdf5.h') ?? macros('cc', cflags, 'hdf5.h');
  if (!m) return { version: null, parallel: false };
  const v = /(\d+\.\d+\.\d+)/.exec(m.get('H5_VERS_INFO') ?? '');
  return { version: v ? v[1] : null, parallel: m.has('H5_HAVE_PARALLEL') };
}

/**
 * The MPI family of a shared library's MPI dependencies (sonames, as `ldd` lists them):
 * Open MPI's libmpi.so.40 (.20, .1 for older releases) versus the MPICH ABI
 * (libmpich.so, libmpi.so.12 of Intel MPI and MVAPICH, libmpi_cray).
 */
export function mpiFamilyOfSonames(names) {
  const fams = new Set();
  for (const n of names) {
    if (/^libmpich|^libmpi\.so\.12\b|^libmpi_(cray|intel|gnu)|^libmpi_/.test(n)) fams.add('mpich');
    else if (/^libmpi\.so\.(40|20|1|0)\b|^libopen-(pal|rte)\.so/.test(n)) fams.add('openmpi');
  }
  return [...fams];
}

/** The MPI libraries a shared library needs (empty when ldd cannot tell). */
export function mpiSonamesOf(lib) {
  const out = ask('ldd', [lib]);
  if (!out) return [];
  return out.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((n) => /^lib(mpi|mpich|open-pal|open-rte)/.test(n));
}

/**
 * The mpiexec that belongs to a compiler wrapper: Debian's `mpicc.mpich` → `mpiexec.mpich`
 * (the suffix survives through /etc/alternatives links), a module's `…/bin/mpicc` →
 * `…/bin/mpiexec`. null when there is no such neighbour.
 */
export function mpiexecBeside(mpiccPath) {
  let p = mpiccPath;
  for (let i = 0; i < 8 && p; i++) {
    const suffix = /^mpicc\.(\w+)$/.exec(basename(p));
    if (suffix && existsSync(join(dirname(p), `mpiexec.${suffix[1]}`))) return join(dirname(p), `mpiexec.${suffix[1]}`);
    try {
      p = resolve(dirname(p), readlinkSync(p));
    } catch {
      break;
    }
  }
  const beside = join(dirname(mpiccPath), 'mpiexec');
  return existsSync(beside) ? beside : null;
}
