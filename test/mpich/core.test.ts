/**
 * dnd on MPICH (issue: "Any MPI a cluster gives you"): the binding built against Debian's
 * MPICH 4 and its parallel HDF5 (build-mpich/), jobs started by Hydra. The core commands
 * on 1-4 ranks give the same global arrays — same checksums — as the Open MPI build in
 * build/Release, files cross between the two builds and h5py, and an outside Hydra's
 * ranks run dnd directly; dnd px's Ctrl-C reaches every rank through Hydra. One job per
 * case; arrays stay small.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, symlinkSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PYTHON, py, tempDir } from '../helpers/files.js';
import { buildMpich, MPICH_DIR, mpichEnv, mpichInstalled, mpichProcessEnv, neededLibraries } from '../helpers/mpich.js';
import { BIN, ROOT, dnd, dndJson } from '../helpers/run.js';
import { assertSchema } from '../helpers/schema.js';
import { hasTmux, Terminal } from '../helpers/terminal.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import { balancedLshapeMap } from '../../src/dnd/layout.js';
import type { InfoReport } from '../../src/runtime/jobs/info.js';
import type { DoctorReport } from '../../src/runtime/doctor.js';

interface Values {
  shape: number[];
  dtype: string;
  values: (number | string)[];
}

const onMpich = (args: string[], extra: Record<string, string | undefined> = {}) => dndJson<ArrayReport>(args, { env: mpichEnv(extra) });
const onOpenMpi = (args: string[]) => dndJson<ArrayReport>(args);
const h5py = (file: string, ds: string): Values => JSON.parse(spawnSync(PYTHON, [`${ROOT}test/py/h5_values.py`, 'read', file, ds], { encoding: 'utf8' }).stdout) as Values;

before(() => {
  assert.ok(mpichInstalled(), 'MPICH is not installed: bash scripts/setup.sh --test installs mpich, libmpich-dev and libhdf5-mpich-dev');
  buildMpich();
});

describe('the MPICH build links MPICH and its HDF5, never a mix', () => {
  it('build-mpich: libmpich and libhdf5_mpich; build/Release: libmpi and libhdf5_openmpi', () => {
    for (const m of ['mpi_napi', 'mpi_h5']) {
      const libs = neededLibraries(`${MPICH_DIR}/${m}.node`);
      assert.ok(libs.some((l) => l.startsWith('libmpich.so')), `${m}: ${libs.join(' ')}`);
      assert.ok(!libs.some((l) => /^libmpi\.so|openmpi/.test(l)), `${m} must not need Open MPI: ${libs.join(' ')}`);
    }
    assert.ok(neededLibraries(`${MPICH_DIR}/mpi_h5.node`).some((l) => l.startsWith('libhdf5_mpich')));
    const def = neededLibraries(`${ROOT}build/Release/mpi_h5.node`);
    assert.ok(def.some((l) => l.startsWith('libmpi.so')) && def.some((l) => l.startsWith('libhdf5_openmpi')), `the default build stays Open MPI: ${def.join(' ')}`);
    assert.ok(!def.some((l) => l.startsWith('libmpich')), def.join(' '));
  });

  it('the flags follow MPICC, a mixed HDF5 is refused with its reason, an unchanged choice does not rebuild', () => {
    const flags = (env: Record<string, string>) => spawnSync(process.execPath, [`${ROOT}scripts/native-flags.mjs`, 'json'], { encoding: 'utf8', env: { ...process.env, ...env } });
    const m = flags({ MPICC: 'mpicc.mpich' });
    assert.equal(m.status, 0, m.stderr);
    const b = JSON.parse(m.stdout) as { mpi: { name: string; family: string; mpiexec: string }; hdf5: { via: string; built_for: string }; flags: { libs: string[] } };
    assert.equal(b.mpi.family, 'mpich');
    assert.match(b.mpi.mpiexec, /mpiexec\.mpich$/);
    assert.equal(b.hdf5.via, 'pkg-config hdf5-mpich');
    assert.ok(b.flags.libs.includes('-lmpich') && !b.flags.libs.includes('-lmpi'), b.flags.libs.join(' '));
    // the mix of the old build (MPICH with Open MPI's HDF5), asked for explicitly
    const mix = flags({ MPICC: 'mpicc.mpich', HDF5_PKG: 'hdf5-openmpi' });
    assert.equal(mix.status, 1);
    assert.match(mix.stderr, /^native-flags: pkg-config hdf5-openmpi: built for openmpi, but the MPI is MPICH \(mpich\); choose the HDF5 built for MPICH/);
    // h5pcc.mpich names static archives: the shared library beside them is linked instead
    const h5pcc = flags({ MPICC: 'mpicc.mpich', H5PCC: 'h5pcc.mpich' });
    assert.equal(h5pcc.status, 0, h5pcc.stderr);
    const libs = (JSON.parse(h5pcc.stdout) as typeof b).flags.libs;
    assert.ok(libs.includes('-lhdf5') && !libs.some((l) => l.endsWith('.a')), libs.join(' '));
    // an MPICH mpicc first on PATH (as after `module load mpich`) without MPICC
    const bin = tempDir('dnd-mpicc-');
    symlinkSync('/usr/bin/mpicc.mpich', `${bin}/mpicc`);
    const onPath = flags({ PATH: `${bin}:${process.env.PATH ?? ''}` });
    assert.equal(onPath.status, 0, onPath.stderr);
    const p = JSON.parse(onPath.stdout) as typeof b;
    assert.equal(p.mpi.name, 'MPICH');
    assert.equal(p.hdf5.via, 'pkg-config hdf5-mpich');
    assert.equal(p.mpi.mpiexec, null, 'no MPICC: the launcher keeps mpiexec on PATH, which module load set too');
    assert.equal(buildMpich(), '', 'the recorded choice is unchanged: nothing to rebuild');
  });

  it('doctor: built with and running MPICH, its HDF5, Hydra as mpiexec, a live 2-rank check', () => {
    const r = dndJson<DoctorReport>(['doctor'], { env: mpichEnv({ DND_MPIEXEC: undefined }) });
    assertSchema('doctor', r);
    assert.equal(r.ok, true, JSON.stringify(r.problems));
    assert.match(r.mpi.running ?? '', /^MPICH 4\./);
    assert.equal(r.mpi.built_with, r.mpi.running);
    assert.match(r.mpi.mpiexec ?? '', /mpiexec\.mpich$/, 'the build recorded its own mpiexec; no DND_MPIEXEC needed');
    assert.match(r.mpi.mpiexec_version ?? '', /^MPICH 4\.\S+ \(Hydra\)$/);
    assert.equal(r.binding.dir, MPICH_DIR);
    assert.equal(r.binding.built?.hdf5_built_for, 'mpich');
    assert.equal(r.binding.built?.hdf5_via, 'pkg-config hdf5-mpich');
    assert.ok(r.binding.libraries.mpi.every((l) => /libmpich/.test(l)), r.binding.libraries.mpi.join(' '));
    assert.equal(r.hdf5.parallel, true);
    assert.equal(r.check?.ok, true);
    assert.equal(r.check?.nprocs, 2);
  });

  it("doctor says so when mpiexec is another MPI's", () => {
    const r = dnd(['doctor', '--no-check', '--json'], { env: mpichEnv({ DND_MPIEXEC: 'mpiexec.openmpi' }) });
    assert.equal(r.code, 3);
    const rep = JSON.parse(r.stdout) as DoctorReport;
    assert.ok(rep.problems.some((p) => /launcher mismatch: \S*mpiexec\.openmpi belongs to Open MPI .* but the binding runs MPICH/.test(p)), rep.problems.join('\n'));
  });

  it("a job under another MPI's mpiexec fails with a hint, not a wrong result", () => {
    const r = dnd(['create', 'randn', '8,3', '-n', '2', '--json'], { env: mpichEnv({ DND_MPIEXEC: 'mpiexec.openmpi' }) });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /asked for 2 ranks but MPI started 1: is mpiexec from the MPI the binding was built with\?/);
  });
});

describe('same arrays as the Open MPI build, 1-4 ranks', () => {
  const dir = tempDir();

  it('create: checksum and layout equal for every rank count and split', () => {
    const want = onOpenMpi(['create', 'randn', '9,5,3', '-n', '3', '--checksum']);
    for (const [n, split] of [[1, 0], [2, 1], [3, 2], [4, 0]] as const) {
      const r = onMpich(['create', 'randn', '9,5,3', '-n', String(n), '--split', String(split), '--checksum']);
      assertSchema('array-report', r);
      assert.equal(r.nprocs, n);
      assert.equal(r.checksum, want.checksum, `-n ${n} --split ${split}`);
      assert.deepEqual(r.lshape_map, balancedLshapeMap([9, 5, 3], split, n));
    }
  });

  it('resplit, redistribute and info of an MPICH-written file; Open MPI reads it the same', () => {
    const file = `${dir}/mpich.h5`;
    const made = onMpich(['create', 'randn', '11,6', '-n', '3', '--out', `${file}:/x`, '--checksum']);
    const re = onMpich(['resplit', `${file}:/x`, '--axis', '1', '-n', '4', '--checksum', '--out', `${dir}/resplit.h5`]);
    assert.equal(re.checksum, made.checksum);
    assert.deepEqual(re.counts, [2, 2, 1, 1]);
    const rd = onMpich(['redistribute', `${file}:/x`, '--target', '0,7,4', '-n', '3', '--checksum']);
    assert.deepEqual(rd.counts, [0, 7, 4], 'rank 0 holds no rows');
    assert.equal(rd.checksum, made.checksum);
    const info = dndJson<InfoReport>(['info', `${dir}/resplit.h5`, '-n', '2', '--checksum', '--stats'], { env: mpichEnv() });
    const infoOmpi = dndJson<InfoReport>(['info', `${dir}/resplit.h5`, '-n', '2', '--checksum', '--stats']);
    assert.equal(info.checksum, made.checksum);
    assert.equal(infoOmpi.checksum, made.checksum);
    assert.deepEqual(info.stats, infoOmpi.stats, 'statistics too');
    assert.ok(info.stats && Number.isFinite(info.stats.std));
  });

  it('run: a user script on 3 ranks sees MPICH', () => {
    const r = dnd(['run', 'examples/scripts/layout.mjs', '-n', '3'], { env: mpichEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[2\/3\] lshape \[2,4,3\] lshapeMap \[\[3,4,3\],\[2,4,3\],\[2,4,3\]\]/);
    assert.match(r.stdout, /\[0\/3\] after resplit\(1\): lshape \[7,2,3\] counts \[2,1,1\]/);
  });
});

describe('HDF5 interop: MPICH build, Open MPI build and h5py', () => {
  const dir = tempDir();

  it('h5py reads what MPICH wrote, value for value as Open MPI wrote it', () => {
    onMpich(['create', 'randn', '7,4', '-n', '4', '--seed', '5', '--out', `${dir}/m.h5:/g/a`]);
    onOpenMpi(['create', 'randn', '7,4', '-n', '2', '--seed', '5', '--out', `${dir}/o.h5:/g/a`]);
    const m = h5py(`${dir}/m.h5`, '/g/a');
    assert.deepEqual(m.shape, [7, 4]);
    assert.equal(m.dtype, 'float32');
    assert.deepEqual(m.values, h5py(`${dir}/o.h5`, '/g/a').values);
  });

  it("MPICH reads h5py's files: NaN, ±inf and -0.0 give Open MPI's checksum", () => {
    const edges = JSON.parse(spawnSync(PYTHON, [`${ROOT}test/py/h5_values.py`, 'edges', `${dir}/edges.h5`], { encoding: 'utf8' }).stdout) as Values;
    assert.ok(edges.values.includes('nan') && edges.values.includes('-inf'));
    const want = onOpenMpi(['info', `${dir}/edges.h5`, '-n', '2', '--checksum']).checksum;
    for (const n of [1, 4]) assert.equal(onMpich(['info', `${dir}/edges.h5:/edges`, '-n', String(n), '--checksum']).checksum, want, `-n ${n}`);
    // and what dnd writes back from them keeps every edge
    onMpich(['resplit', `${dir}/edges.h5:/edges`, '--axis', '1', '-n', '3', '--out', `${dir}/edges-out.h5:/e`]);
    assert.deepEqual(h5py(`${dir}/edges-out.h5`, '/e').values, edges.values);
  });

  it("h5py's gzip-compressed, chunked file reads the same on 3 ranks", () => {
    const made = py<{ file: string; dataset: string; shape: number[]; dtype: string }[]>('make_files.py', [dir]);
    const m = made.find((x) => x.file.endsWith('/gzip.h5'));
    assert.ok(m);
    const want = onOpenMpi(['create', 'arange', m.shape.join(','), '--dtype', 'float64', '--checksum']).checksum;
    assert.equal(onMpich(['info', `${m.file}:${m.dataset}`, '-n', '3', '--checksum']).checksum, want);
  });
});

describe('started by an outside Hydra (mpiexec.mpich -n N dnd …)', () => {
  const dir = tempDir();

  function outer(n: number, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('mpiexec.mpich', ['-n', String(n), process.execPath, BIN, ...args], { env: mpichProcessEnv(), cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("temporary-file tokens: the same on every rank of a job, distinct between jobs (Hydra exports no job id)", async () => {
    const probe = `import(${JSON.stringify(`${ROOT}dist/runtime/detect.js`)}).then((m) => console.log(m.outerJobToken()))`;
    const run = () =>
      new Promise<string[]>((resolve) => {
        const child = spawn('mpiexec.mpich', ['-n', '2', process.execPath, '-e', probe], { env: mpichProcessEnv() });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', () => resolve(out.trim().split('\n').sort()));
      });
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.length, 2);
    assert.equal(a[0], a[1], 'both ranks of a job agree');
    assert.equal(b[0], b[1]);
    assert.match(a[0], /^hydra-/);
    assert.notEqual(a[0], b[0], 'two jobs at once differ');
  });

  it('two jobs at once into one directory: each rank 0 prints one JSON object, both files whole', async () => {
    const [a, b] = await Promise.all([
      outer(3, ['create', 'randn', '10,4', '--seed', '1', '--out', `${dir}/a.h5`, '--checksum', '--json']),
      outer(2, ['create', 'randn', '10,4', '--seed', '2', '--out', `${dir}/b.h5`, '--checksum', '--json']),
    ]);
    for (const [r, n, seed, name] of [[a, 3, '1', 'a'], [b, 2, '2', 'b']] as const) {
      assert.equal(r.code, 0, r.stderr);
      const rep = JSON.parse(r.stdout) as ArrayReport; // exactly one object
      assert.equal(rep.nprocs, n);
      assert.equal(rep.checksum, onOpenMpi(['create', 'randn', '10,4', '--seed', seed, '--checksum']).checksum);
      assert.deepEqual(h5py(`${dir}/${name}.h5`, '/data').shape, [10, 4], `${name}.h5 as written`);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['a.h5', 'b.h5'], 'no temporary file left');
  });
});

describe('dnd px on MPICH', { skip: hasTmux ? false : 'tmux is not installed (bash scripts/setup.sh --test installs it)' }, () => {
  it("Hydra forwards Ctrl-C (SIGUSR1) to every rank: a busy cell stops on both, the session goes on", async () => {
    const dir = tempDir();
    const t = Terminal.start(`dndpxmpich${process.pid}`, ['bash', '--norc', '--noprofile']);
    try {
      const vars = Object.entries(mpichEnv({ NO_COLOR: '1' })).map(([k, v]) => `${k}=${v}`);
      t.type(`${vars.join(' ')} node ${BIN} px -n 2 --history ${dir}/h; echo "px-exit=$?"`);
      await t.waitFor(/dnd px: 2 rank\(s\) ready/);
      t.type('for (;;) {}');
      await sleep(1000);
      t.keys('C-c');
      await t.waitFor(/\[all\] Error: Script execution was interrupted by `SIGINT`/);
      t.type('rank * 10');
      await t.waitFor(/\[1\/2\] 10\b/);
      t.type('.exit');
      await t.waitFor(/px-exit=0/);
    } finally {
      t.kill();
    }
  });
});
