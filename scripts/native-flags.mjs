#!/usr/bin/env node
// Compile and link flags for the mpi-napi binding, asked of the MPI and HDF5 that are
// installed (Debian packages or a cluster's `module load`), never hard-coded paths.
// binding.gyp calls this through `<!(node scripts/native-flags.mjs cflags|libs)`;
// scripts/build.sh calls `json` once, keeps the answer as the build's stamp, and hands it
// to binding.gyp through DND_NATIVE_FLAGS_FILE so both see the same choice.
//
// The MPI is the one the user chose: $MPICC, else `mpicc` on PATH (what `module load`
// puts first). The parallel HDF5 must be the one built for that MPI: linking MPICH with
// Open MPI's HDF5 loads both MPIs into one process and crashes on the first file. So the
// MPI is asked who it is (its mpi.h), and each HDF5 candidate is checked against it
// (the MPI libraries its libhdf5 needs). Overrides: $H5PCC (an h5pcc wrapper) or
// $HDF5_PKG (a pkg-config name) choose the HDF5 explicitly.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ask, hdf5Identity, mpiexecBeside, mpiFamilyOfSonames, mpiIdentity, mpiSonamesOf, which } from './mpi-probe.mjs';

function split(s) {
  // Intel MPI's wrappers quote their paths: -I"/opt/intel/…/include"
  return s ? s.split(/\s+/).filter(Boolean).map((w) => w.replace(/"/g, '')) : [];
}

const isCflag = (w) => w.startsWith('-I') || w.startsWith('-D');
const isLib = (w) => w.startsWith('-L') || w.startsWith('-l') || w.startsWith('-Wl') || /\.(a|so)(\.\d+)*$/.test(w);

/** Flags from a wrapper's `-show` line (MPICH, Intel MPI, MVAPICH, h5pcc): drop the compiler. */
function fromShow(line) {
  const words = split(line).slice(1);
  return { cflags: words.filter(isCflag), libs: words.filter(isLib) };
}

/**
 * A wrapper may name static archives (Debian's `h5pcc.mpich -show` lists libhdf5.a): a
 * Node module is a shared object, so link the shared library beside the archive when
 * there is one, and drop what only the archive needed (the shared library brings its own).
 */
function preferShared(libs) {
  const out = [];
  let swapped = false;
  for (const w of libs) {
    const a = /^(.*)\/lib([^/]+)\.a$/.exec(w);
    if (a && existsSync(`${a[1]}/lib${a[2]}.so`)) {
      out.push(`-L${a[1]}`, `-l${a[2]}`);
      swapped = true;
    } else out.push(w);
  }
  if (!swapped) return out;
  // the archive's own dependencies (-lcrypto -lcurl -lsz …) are NEEDED by the shared library
  return out.filter((w) => !w.startsWith('-l') || /^-l(hdf5|mpi|mpich|pmi|fabric|ucp|ucs)/.test(w));
}

/** The MPI: compiler wrapper first (it knows its own flags), pkg-config only without one. */
function mpiFlags() {
  const mpicc = process.env.MPICC || 'mpicc';
  const path = which(mpicc);
  if (path) {
    let flags = null;
    if (/^(cc|CC)$/.test(basename(mpicc))) {
      // Cray's compiler wrappers: MPI comes with `module load cray-mpich`
      const c = ask(path, ['--cray-print-opts=cflags']);
      const l = ask(path, ['--cray-print-opts=libs']);
      if (c !== null && l !== null) flags = { cflags: split(c).filter(isCflag), libs: split(l).filter(isLib) };
    }
    if (!flags) {
      const inc = ask(path, ['--showme:compile']); // Open MPI
      const link = ask(path, ['--showme:link']);
      if (inc !== null && link !== null) flags = { cflags: split(inc), libs: split(link) };
    }
    if (!flags) {
      const show = ask(path, ['-show']); // MPICH, Intel MPI, MVAPICH
      if (show !== null) flags = fromShow(show);
    }
    if (flags) return { ...flags, mpicc: path, via: mpicc, id: mpiIdentity(path, flags.cflags), mpiexec: mpiexecBeside(path) };
    throw new Error(`${mpicc} (${path}) answered neither --showme nor -show: set MPICC to your MPI's C compiler wrapper`);
  }
  if (process.env.MPICC) throw new Error(`MPICC=${mpicc} is not an executable on PATH`);
  for (const pkg of ['ompi-c', 'mpich', 'mpi']) {
    const c = ask('pkg-config', ['--cflags', pkg]);
    const l = ask('pkg-config', ['--libs', pkg]);
    if (c !== null && l !== null) return { cflags: split(c), libs: split(l), mpicc: null, via: `pkg-config ${pkg}`, id: mpiIdentity('cc', split(c)), mpiexec: null };
  }
  throw new Error('no MPI found: neither `mpicc` nor pkg-config answered (install libopenmpi-dev or `module load openmpi`, or set MPICC)');
}

/** libhdf5.so as these flags would link it (for ldd), or null. */
function hdf5SharedLib(libs) {
  for (const w of libs) if (w.startsWith('-L') && existsSync(join(w.slice(2), 'libhdf5.so'))) return join(w.slice(2), 'libhdf5.so');
  for (const dir of ['/usr/lib64', '/usr/lib', '/usr/local/lib']) if (existsSync(join(dir, 'libhdf5.so'))) return join(dir, 'libhdf5.so');
  return null;
}

/** The HDF5 candidates in order: explicit choice, then pkg-config, then h5pcc wrappers. */
function hdf5Candidates(mpi) {
  const pkg = (name) => () => {
    const c = ask('pkg-config', ['--cflags', name]);
    const l = ask('pkg-config', ['--libs', name]);
    return c !== null && l !== null && l.includes('hdf5') ? { cflags: split(c), libs: split(l) } : null;
  };
  const h5pcc = (name) => () => {
    const path = which(name);
    const show = path ? ask(path, ['-show']) : null;
    if (show === null) return null;
    const f = fromShow(show);
    return { cflags: f.cflags, libs: preferShared(f.libs) };
  };
  if (process.env.HDF5_PKG) return [{ via: `pkg-config ${process.env.HDF5_PKG}`, explicit: true, get: pkg(process.env.HDF5_PKG) }];
  if (process.env.H5PCC) return [{ via: process.env.H5PCC, explicit: true, get: h5pcc(process.env.H5PCC) }];
  const list = [];
  // Debian names the builds after their MPI; Cray's cray-hdf5-parallel is hdf5_parallel
  const pkgs = mpi.id.family === 'mpich' ? ['hdf5-mpich', 'hdf5_parallel', 'hdf5-mpi', 'hdf5'] : ['hdf5-openmpi', 'hdf5_parallel', 'hdf5-mpi', 'hdf5'];
  for (const p of pkgs) list.push({ via: `pkg-config ${p}`, get: pkg(p) });
  const suffix = mpi.mpicc ? /^mpicc(\.\w+)$/.exec(basename(mpi.mpicc))?.[1] : undefined;
  if (suffix) list.push({ via: `h5pcc${suffix}`, get: h5pcc(`h5pcc${suffix}`) });
  if (mpi.mpicc) list.push({ via: join(dirname(mpi.mpicc), 'h5pcc'), get: h5pcc(join(dirname(mpi.mpicc), 'h5pcc')) });
  list.push({ via: 'h5pcc', get: h5pcc('h5pcc') });
  return list;
}

/** Parallel HDF5 built for the same MPI family; a mismatch is skipped (or an error when chosen explicitly). */
function hdf5Flags(mpi) {
  const rejected = [];
  for (const cand of hdf5Candidates(mpi)) {
    const f = cand.get();
    if (!f) {
      if (cand.explicit) throw new Error(`${cand.via} did not answer: check the name (HDF5_PKG is a pkg-config package, H5PCC an h5pcc wrapper)`);
      continue;
    }
    const id = hdf5Identity(mpi.mpicc ?? 'cc', [...f.cflags, ...mpi.cflags]);
    const lib = hdf5SharedLib(f.libs);
    const fams = lib ? mpiFamilyOfSonames(mpiSonamesOf(lib)) : [];
    const built_for = fams.length === 1 ? fams[0] : fams.length === 0 ? 'unknown' : fams.join('+');
    let why = null;
    if (!id.parallel) why = 'not a parallel build';
    else if (built_for !== 'unknown' && mpi.id.family !== 'unknown' && built_for !== mpi.id.family) why = `built for ${built_for}, but the MPI is ${mpi.id.name} (${mpi.id.family})`;
    if (why) {
      if (cand.explicit) throw new Error(`${cand.via}: ${why}; choose the HDF5 built for ${mpi.id.name} (HDF5_PKG / H5PCC) or another MPI (MPICC)`);
      rejected.push(`${cand.via}: ${why}`);
      continue;
    }
    return { ...f, via: cand.via, version: id.version, built_for, library: lib };
  }
  const also = rejected.length ? ` (rejected: ${rejected.join('; ')})` : '';
  throw new Error(`no parallel HDF5 built for ${mpi.id.name} found${also}: install it (Debian: libhdf5-${mpi.id.family === 'mpich' ? 'mpich' : 'openmpi'}-dev) or \`module load hdf5\`, or name it with HDF5_PKG=<pkg-config name> or H5PCC=<h5pcc>`);
}

const uniq = (a) => [...new Set(a)];
// Link with an rpath to each -L directory so a module-loaded MPI is found at run time too.
const withRpaths = (libs) => uniq([...libs, ...uniq(libs.filter((w) => w.startsWith('-L')).map((w) => `-Wl,-rpath,${w.slice(2)}`))]);

/** Everything the build needs and records: the choice, its identity and the flags. */
export function nativeBuild() {
  const mpi = mpiFlags();
  const h5 = hdf5Flags(mpi);
  return {
    // mpiexec: the launcher's default for this build (src/runtime/launcher.ts) when MPICC
    // chose the MPI: its own mpiexec (mpicc.mpich → mpiexec.mpich). Without a choice it
    // stays `mpiexec` on PATH, which goes with the `mpicc` on PATH this build used.
    mpi: { ...mpi.id, mpicc: mpi.mpicc, via: mpi.via, mpiexec: process.env.MPICC ? mpi.mpiexec : null },
    hdf5: { version: h5.version, via: h5.via, built_for: h5.built_for, library: h5.library },
    mpi_flags: { cflags: uniq(mpi.cflags), libs: withRpaths(mpi.libs) },
    flags: { cflags: uniq([...mpi.cflags, ...h5.cflags]), libs: withRpaths([...mpi.libs, ...h5.libs]) },
  };
}

// (real paths: the staging directory of a second build reaches this file through a link)
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const what = process.argv[2];
  // "mpi" as second argument: flags for the MPI-only module (no libhdf5 to load)
  const mpiOnly = process.argv[3] === 'mpi';
  try {
    const file = process.env.DND_NATIVE_FLAGS_FILE;
    const b = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : nativeBuild();
    const f = mpiOnly ? b.mpi_flags : b.flags;
    if (what === 'cflags') console.log(f.cflags.filter((w) => w.startsWith('-I')).map((w) => w.slice(2)).join(' '));
    else if (what === 'defines') console.log(f.cflags.filter((w) => w.startsWith('-D')).map((w) => w.slice(2)).join(' '));
    else if (what === 'libs') console.log(f.libs.join(' '));
    else console.log(JSON.stringify(b, null, 2));
  } catch (e) {
    console.error(`native-flags: ${e.message}`);
    process.exit(1);
  }
}
