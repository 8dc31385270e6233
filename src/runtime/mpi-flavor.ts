/**
 * Which MPI a piece of text is about: MPI_Get_library_version's string, `mpiexec
 * --version`, the binding's compile-time identity. Two families matter, because within
 * one the libraries are interchangeable and across them nothing is: Open MPI, and MPICH
 * with its derivatives (Intel MPI, Cray MPICH, MVAPICH share MPICH's ABI and its Hydra
 * launcher or a relative of it).
 */
import { readFileSync } from 'node:fs';

export type MpiFamily = 'openmpi' | 'mpich' | 'unknown';

export interface MpiName {
  /** e.g. "Open MPI", "MPICH", "Intel MPI", "Cray MPICH", "MVAPICH2" */
  name: string;
  version: string | null;
  family: MpiFamily;
}

const NAMES: [RegExp, string, MpiFamily][] = [
  [/Intel\(R\) MPI Library|Intel MPI/i, 'Intel MPI', 'mpich'],
  [/CRAY MPICH|Cray MPICH/i, 'Cray MPICH', 'mpich'],
  [/MVAPICH/i, 'MVAPICH2', 'mpich'],
  [/HYDRA|MPICH/, 'MPICH', 'mpich'],
  [/Open MPI|OpenRTE|Open RTE|PRRTE|prterun/i, 'Open MPI', 'openmpi'],
];

/**
 * Names the MPI in MPI_Get_library_version's text, `mpiexec --version`'s text, or a
 * compile-time identity ("MPICH 4.0.2"). Examples:
 *   "Open MPI v4.1.4, package: Debian OpenMPI, …"      → Open MPI 4.1.4
 *   "mpiexec (OpenRTE) 4.1.4"                           → Open MPI 4.1.4
 *   "MPICH Version:\t4.0.2\nMPICH Release date: …"     → MPICH 4.0.2
 *   "HYDRA build details:\n    Version:  4.0.2 …"     → MPICH 4.0.2 (Hydra)
 *   "Intel(R) MPI Library for Linux* OS, Version 2021.6 Build …" → Intel MPI 2021.6
 */
export function mpiName(text: string | null | undefined): MpiName {
  if (!text) return { name: 'unknown', version: null, family: 'unknown' };
  for (const [re, name, family] of NAMES) {
    if (!re.test(text)) continue;
    const at = text.search(re);
    // the first version number after the name, or after a "Version:" label
    const v = /Version:?\s*v?(\d+(?:\.\d+)+\w*)/i.exec(text.slice(at)) ?? /v?(\d+(?:\.\d+)+\w*)/.exec(text.slice(at));
    return { name, version: v ? v[1] : null, family };
  }
  return { name: text.split('\n')[0].trim().slice(0, 60), version: null, family: 'unknown' };
}

export function label(n: MpiName): string {
  return n.version ? `${n.name} ${n.version}` : n.name;
}

/**
 * The MPI and HDF5 libraries mapped into this process (Linux): more than one MPI family
 * here is the mix that crashes (e.g. libmpich with an HDF5 built for libmpi).
 */
export function loadedLibraries(): { mpi: string[]; hdf5: string[] } {
  let maps = '';
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return { mpi: [], hdf5: [] };
  }
  const paths = new Set(maps.split('\n').map((l) => l.slice(l.indexOf('/'))).filter((p) => p.startsWith('/')));
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const list = [...paths];
  return {
    mpi: list.filter((p) => /^lib(mpi|mpich|mpi_\w+)\.so/.test(base(p))),
    hdf5: list.filter((p) => /^libhdf5(_\w+)?\.so/.test(base(p)) && !/_hl/.test(base(p))),
  };
}

/** The family of an MPI shared library by its file name (libmpi.so.40 vs libmpich.so.12 …). */
export function familyOfLibrary(path: string): MpiFamily {
  const b = path.slice(path.lastIndexOf('/') + 1);
  if (/^libmpich|^libmpi\.so\.12\b|^libmpi_/.test(b)) return 'mpich';
  if (/^libmpi\.so\.(40|20|1|0)\b/.test(b)) return 'openmpi';
  return 'unknown';
}
