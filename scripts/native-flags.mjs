#!/usr/bin/env node
// Compile and link flags for the mpi-napi binding, asked of the MPI and HDF5 that are
// installed (Debian packages or a cluster's `module load`), never hard-coded paths.
// binding.gyp calls this through `<!(node scripts/native-flags.mjs cflags|libs)`.
import { execFileSync } from 'node:child_process';

function ask(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function split(s) {
  return s ? s.split(/\s+/).filter(Boolean) : [];
}

// MPI: the wrapper compiler knows its own flags (Open MPI: --showme, MPICH: -show).
function mpiFlags() {
  const mpicc = process.env.MPICC || 'mpicc';
  const inc = ask(mpicc, ['--showme:compile']);
  const link = ask(mpicc, ['--showme:link']);
  if (inc !== null && link !== null) return { cflags: split(inc), libs: split(link) };
  const show = ask(mpicc, ['-show']); // MPICH, Intel MPI
  if (show !== null) {
    const words = split(show).slice(1);
    return {
      cflags: words.filter((w) => w.startsWith('-I') || w.startsWith('-D')),
      libs: words.filter((w) => w.startsWith('-L') || w.startsWith('-l') || w.startsWith('-Wl')),
    };
  }
  for (const pkg of ['ompi-c', 'mpich', 'mpi']) {
    const c = ask('pkg-config', ['--cflags', pkg]);
    const l = ask('pkg-config', ['--libs', pkg]);
    if (c !== null && l !== null) return { cflags: split(c), libs: split(l) };
  }
  throw new Error('no MPI found: neither `mpicc --showme` nor pkg-config answered (install libopenmpi-dev or `module load openmpi`)');
}

// Parallel HDF5: Debian names it hdf5-openmpi; clusters usually provide h5pcc.
function hdf5Flags() {
  for (const pkg of ['hdf5-openmpi', 'hdf5-mpich', 'hdf5']) {
    const c = ask('pkg-config', ['--cflags', pkg]);
    const l = ask('pkg-config', ['--libs', pkg]);
    if (c !== null && l !== null && l.includes('hdf5')) return { cflags: split(c), libs: split(l) };
  }
  const show = ask(process.env.H5PCC || 'h5pcc', ['-show']);
  if (show !== null) {
    const words = split(show).slice(1);
    return {
      cflags: words.filter((w) => w.startsWith('-I') || w.startsWith('-D')),
      libs: words.filter((w) => w.startsWith('-L') || w.startsWith('-l') || w.startsWith('-Wl')),
    };
  }
  throw new Error('no parallel HDF5 found: neither pkg-config hdf5-openmpi nor h5pcc answered (install libhdf5-openmpi-dev or `module load hdf5`)');
}

export function nativeFlags(withHdf5 = true) {
  const mpi = mpiFlags();
  const h5 = withHdf5 ? hdf5Flags() : { cflags: [], libs: [] };
  const uniq = (a) => [...new Set(a)];
  // Link with an rpath to each -L directory so a module-loaded MPI is found at run time too.
  const rpaths = uniq([...mpi.libs, ...h5.libs].filter((w) => w.startsWith('-L')).map((w) => `-Wl,-rpath,${w.slice(2)}`));
  return {
    cflags: uniq([...mpi.cflags, ...h5.cflags]),
    libs: uniq([...mpi.libs, ...h5.libs, ...rpaths]),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const what = process.argv[2];
  // "mpi" as second argument: flags for the MPI-only module (no libhdf5 to load)
  const mpiOnly = process.argv[3] === 'mpi';
  try {
    const f = nativeFlags(!mpiOnly);
    if (what === 'cflags') console.log(f.cflags.filter((w) => w.startsWith('-I')).map((w) => w.slice(2)).join(' '));
    else if (what === 'defines') console.log(f.cflags.filter((w) => w.startsWith('-D')).map((w) => w.slice(2)).join(' '));
    else if (what === 'libs') console.log(f.libs.join(' '));
    else console.log(JSON.stringify(f, null, 2));
  } catch (e) {
    console.error(`native-flags: ${e.message}`);
    process.exit(1);
  }
}
