/**
 * One-rank jobs of dnd's own commands run without MPI (src/dnd/solo.ts, chosen in
 * src/runtime/launcher.ts): the output must be the one MPI gives, the same --json, the
 * same table (host column included), the same failures; and MPI must really not start
 * (as a singleton, Open MPI's MPI_Init forks its helper daemon: a child of dnd). Files
 * are read and written through HDF5's POSIX driver then (src/dnd/io.ts), with the same
 * values.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, dnd, faultEnv, fsyncLogEnv } from '../helpers/run.js';
import { py, tempDir } from '../helpers/files.js';

const MPI = { DND_SOLO: '0' };

/** what differs from run to run: times and memory */
function stable(json: string): unknown {
  const varying = new Set(['timing', 'baseline_rss', 'peak_rss', 'peak_ratio', 'throughput_bytes_per_s']);
  return JSON.parse(json, (k, x: unknown) => (varying.has(k) ? undefined : x));
}

/** -n 1 --json without MPI, in-process under MPI (DND_SOLO=0) and under mpiexec: the same report. */
function sameJsonAsMpi(args: string[]): void {
  const solo = dnd([...args, '-n', '1', '--json']);
  const mpi = dnd([...args, '-n', '1', '--json'], { env: MPI });
  const launched = dnd([...args, '-n', '1', '--launcher', 'mpiexec', '--json']);
  for (const r of [solo, mpi, launched]) assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  assert.deepEqual(stable(solo.stdout), stable(mpi.stdout), args.join(' '));
  assert.deepEqual(stable(solo.stdout), stable(launched.stdout), args.join(' '));
}

const JOBS: string[][] = [
  ['create', 'randn', '7,4,3', '--checksum'],
  ['create', 'rand', '3,0,2', '--split', '1', '--dtype', 'float64'],
  ['create', 'full', '4,3', '--dtype', 'complex64', '--value', 'nan-infj', '--checksum'],
  ['create', 'randint', '12,5', '--low', '-3', '--high', '100', '--dtype', 'int64', '--checksum'],
  ['create', 'eye', '4,4', '--split', 'none', '--dtype', 'bool'],
  ['create', 'arange', '7,2', '--counts', '7', '--dtype', 'uint16'],
  ['chunk', '1000,30', '--split', '-1'],
  ['resplit', 'randn:6,4,3', '--axis', '2', '--checksum'],
  ['resplit', 'arange:5,3', '--axis', 'none', '--checksum'],
  ['redistribute', 'linspace:9,2', '--target', '9', '--checksum'],
  ['info', 'randn:50,3', '--stats', '--checksum'],
  ['info', 'arange:8,2', '--split', 'none', '--stats'],
];

describe('-n 1 without MPI: the same output as under MPI', () => {
  it('--json: identical to DND_SOLO=0 (in-process under MPI) and to --launcher mpiexec', () => {
    for (const args of JOBS) sameJsonAsMpi(args);
  });

  it('the table (host column, layout, fingerprint) is the same but for the time line', () => {
    for (const args of [JOBS[0], JOBS[2], JOBS[6], JOBS[7], JOBS[10]]) {
      // times differ from run to run: every "N ms" / "N s" (and rates) is masked
      const noTime = (s: string) => s.replace(/[\d.]+ (ms|µs|s|[KMGT]?B\/s)\b/g, 'T');
      const solo = dnd([...args, '-n', '1']);
      const mpi = dnd([...args, '-n', '1'], { env: MPI });
      assert.equal(solo.code, 0, solo.stderr);
      assert.equal(noTime(solo.stdout), noTime(mpi.stdout), args.join(' '));
      assert.match(solo.stdout, /\S/);
    }
  });

  it('a failing job: the same one line and exit 3 (fault on rank 0 at start and before the move)', () => {
    for (const [args, at] of [[['create', 'ones', '4,2'], 'start'], [['resplit', 'randn:6,4', '--axis', '1'], 'op']] as const) {
      const solo = dnd([...args, '-n', '1'], { env: faultEnv(`rank=0,at=${at},do=throw`) });
      const mpi = dnd([...args, '-n', '1'], { env: { ...faultEnv(`rank=0,at=${at},do=throw`), ...MPI } });
      assert.equal(solo.code, 3);
      assert.equal(mpi.code, 3);
      assert.equal(solo.stderr, mpi.stderr);
      assert.match(solo.stderr, /rank 0/);
      assert.equal(solo.stdout, '');
    }
  });

  it('bad input is refused the same way before anything runs (exit 2)', () => {
    for (const args of [['create', 'randn', '7,-1'], ['redistribute', 'randn:6,2', '--target', '5'], ['resplit', 'randn:6,2', '--axis', '2']]) {
      const solo = dnd([...args, '-n', '1']);
      const mpi = dnd([...args, '-n', '1'], { env: MPI });
      assert.equal(solo.code, 2);
      assert.deepEqual([solo.code, solo.stderr, solo.stdout], [mpi.code, mpi.stderr, mpi.stdout]);
    }
  });
});

describe('-n 1 reads of HDF5 files without MPI (HDF5\'s POSIX driver): the same output as MPI-IO', () => {
  const dir = tempDir();
  // a name MPI-IO would take for a driver prefix (a:b) and with a space: opened as it is
  const file = join(dir, 'solo reads:a.h5');
  py('make_solo_reads.py', [file]);
  const READS: string[][] = [
    ['info', `${file}:/f32`, '--stats', '--checksum'],
    ['info', `${file}:/f32`],
    ['info', `${file}:/c64`, '--checksum', '--split', '1'],
    ['info', `${file}:/i64`, '--checksum', '--split', 'none'],
    ['info', `${file}:/empty`, '--stats', '--checksum'],
    ['info', `${file}:/never`, '--stats', '--checksum'],
    ['info', `${file}:/partial`, '--stats', '--checksum'],
    ['info', `${file}:/g/x`, '--checksum'],
    ['resplit', `${file}:/c64`, '--axis', '1', '--checksum'],
    ['resplit', `${file}:/partial`, '--axis', 'none', '--checksum'],
    ['redistribute', `${file}:/f32`, '--target', '6', '--checksum'],
  ];

  it('--json identical to DND_SOLO=0 and to --launcher mpiexec; the values are the file\'s', () => {
    for (const args of READS) sameJsonAsMpi(args);
    // against the values themselves, not only against the MPI run: the fill value of the
    // never-written dataset and of the missing chunks, non-finite values counted
    const never = JSON.parse(dnd(['info', `${file}:/never`, '-n', '1', '--stats', '--json']).stdout) as { stats: { min: number; max: number } };
    assert.deepEqual([never.stats.min, never.stats.max], [1.5, 1.5]);
    const partial = JSON.parse(dnd(['info', `${file}:/partial`, '-n', '1', '--stats', '--json']).stdout) as { stats: { min: number; max: number } };
    assert.deepEqual([partial.stats.min, partial.stats.max], [-2, 9]);
  });

  it('a missing dataset, or a file that is not HDF5: the same refusal', () => {
    writeFileSync(join(dir, 'not.h5'), 'plain text, not HDF5\n');
    for (const args of [['info', `${file}:/nope`], ['resplit', `${join(dir, 'not.h5')}:/x`, '--axis', '1']]) {
      const solo = dnd([...args, '-n', '1']);
      const mpi = dnd([...args, '-n', '1'], { env: MPI });
      assert.notEqual(solo.code, 0);
      assert.deepEqual([solo.code, solo.stderr, solo.stdout], [mpi.code, mpi.stderr, mpi.stdout]);
    }
  });
});

/** The child processes of pid (Linux: /proc/PID/task/TID/children). */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean)) out.push(Number(c));
  }
  return out;
}

/** Starts dnd with the job paused at `at` on rank 0; the children of the process that runs the job, while it waits. */
async function childrenWhilePaused(args: string[], at: string, env: Record<string, string>): Promise<number[]> {
  const dir = tempDir();
  const pidfile = join(dir, 'pid');
  const child = spawn(process.execPath, [BIN, ...args, '-n', '1'], { env: { ...process.env, ...faultEnv(`rank=0,at=${at},do=sleep:4,pidfile=${pidfile}`), ...env }, stdio: 'ignore' });
  try {
    for (let i = 0; i < 200 && !existsSync(`${pidfile}.0`); i++) await sleep(50);
    await sleep(200);
    const pid = Number(readFileSync(`${pidfile}.0`, 'utf8'));
    assert.equal(pid, child.pid, 'the job runs in the dnd process itself');
    return children(pid);
  } finally {
    await new Promise((resolve) => child.on('close', resolve));
  }
}

describe('-n 1 without MPI: MPI does not start', () => {
  it('create -n 1: no MPI helper daemon under dnd; with DND_SOLO=0 there is one', async () => {
    assert.deepEqual(await childrenWhilePaused(['create', 'ones', '4,2'], 'start', {}), []);
    assert.ok((await childrenWhilePaused(['create', 'ones', '4,2'], 'start', MPI)).length > 0, 'MPI_Init as a singleton starts a daemon');
  });

  it('resplit of a file -n 1, paused after the read: no MPI helper daemon either (HDF5\'s POSIX driver)', async () => {
    const dir = tempDir();
    const file = join(dir, 'r.h5');
    py('make_solo_reads.py', [file]);
    assert.deepEqual(await childrenWhilePaused(['resplit', `${file}:/f32`, '--axis', '1', '--checksum'], 'op', {}), []);
  });

  it('a job that writes a file runs without MPI too (HDF5\'s POSIX driver), and its file is right', async () => {
    const dir = tempDir();
    const kids = await childrenWhilePaused(['create', 'ones', '4,2', '--out', join(dir, 'o.h5')], 'write', {});
    assert.deepEqual(kids, []);
    assert.equal(py<{ sum: number }>('read_back.py', [join(dir, 'o.h5'), '/data']).sum, 8);
  });
});

describe('-n 1 writes without MPI: the same files and reports as MPI-IO', () => {
  const dir = tempDir();
  const src = join(dir, 'src:a.h5'); // a name MPI-IO would take for a driver prefix
  py('make_solo_reads.py', [src]);
  let written = 0;

  /** the same command without MPI and with it (DND_SOLO=0), each into its own directory: the same report, the same datasets */
  function sameWrite(args: (out: string) => string[], datasets: string[], setup?: (out: string) => void): void {
    written++;
    const outs = ['solo', 'mpi'].map((k) => join(dir, `${k}-${written}.h5`));
    outs.forEach((o) => setup?.(o));
    const [solo, mpi] = [dnd([...args(outs[0]), '-n', '1', '--json']), dnd([...args(outs[1]), '-n', '1', '--json'], { env: MPI })];
    for (const r of [solo, mpi]) assert.equal(r.code, 0, `${args('OUT').join(' ')}: ${r.stderr}`);
    const noPath = (j: string) => JSON.stringify(stable(j)).split(outs[0]).join('OUT').split(outs[1]).join('OUT');
    assert.equal(noPath(solo.stdout), noPath(mpi.stdout), args('OUT').join(' '));
    for (const d of datasets) {
      const same = py<{ same: boolean; why: string }>('same.py', [outs[0], d, outs[1], d]);
      assert.ok(same.same, `${args('OUT').join(' ')} ${d}: ${same.why}`);
    }
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.dnd-')), [], 'no temporary file or lock left');
  }

  it('create, resplit and redistribute --out, every dtype and layout: the same values', () => {
    sameWrite((o) => ['create', 'randn', '7,4,3', '--out', o], ['/data']);
    sameWrite((o) => ['create', 'arange', '9,5', '--split', '1', '--dtype', 'int16', '--out', `${o}:/g/x`], ['/g/x']);
    sameWrite((o) => ['create', 'full', '4,3', '--dtype', 'complex128', '--value', 'nan-infj', '--out', o], ['/data']);
    sameWrite((o) => ['create', 'eye', '5,5', '--split', 'none', '--dtype', 'bool', '--out', o], ['/data']);
    sameWrite((o) => ['create', 'rand', '0,4', '--out', o], ['/data']);
    sameWrite((o) => ['create', 'randn', '300,1000', '--no-fsync', '--out', o], ['/data']);
    sameWrite((o) => ['resplit', `${src}:/c64`, '--axis', '1', '--out', o], ['/data']);
    sameWrite((o) => ['resplit', `${src}:/partial`, '--axis', 'none', '--out', o], ['/data']);
    sameWrite((o) => ['redistribute', `${src}:/f32`, '--target', '6', '--out', o], ['/data']);
  });

  it('adding to an existing file and replacing a dataset in it: the old datasets kept, the new one right', () => {
    const fill = (o: string) => {
      assert.equal(dnd(['create', 'arange', '6,2', '-n', '2', '--out', `${o}:/old`]).code, 0);
      assert.equal(dnd(['create', 'ones', '3', '-n', '2', '--out', `${o}:/swap`]).code, 0);
    };
    sameWrite((o) => ['create', 'randn', '5,5', '--seed', '3', '--out', `${o}:/new`], ['/old', '/swap', '/new'], fill);
    sameWrite((o) => ['create', 'zeros', '4', '--force', '--out', `${o}:/swap`], ['/old', '/swap'], fill);
  });

  it('a durable write without MPI syncs the file before it is put in place, then its directory; --no-fsync neither', () => {
    const log = join(dir, 'fsync.log');
    const r = dnd(['create', 'randn', '50,4', '-n', '1', '--out', join(dir, 'durable.h5')], { env: fsyncLogEnv(log) });
    assert.equal(r.code, 0, r.stderr);
    const synced = readFileSync(log, 'utf8').trim().split('\n');
    const file = synced.findIndex((p) => dirname(p) === dir && basename(p).includes('durable.h5') && p.includes('.dnd-'));
    assert.ok(file >= 0, `the temporary file synced: ${synced.join(', ')}`);
    assert.ok(synced.indexOf(dir, file) > file, `then the directory: ${synced.join(', ')}`);
    const quick = join(dir, 'quick.log');
    assert.equal(dnd(['create', 'randn', '50,4', '-n', '1', '--no-fsync', '--out', join(dir, 'quick.h5')], { env: fsyncLogEnv(quick) }).code, 0);
    assert.ok(!existsSync(quick), 'nothing synced');
  });

  it('a job that fails before its commit leaves nothing, without MPI as with it', () => {
    const out = join(dir, 'never.h5');
    const r = dnd(['create', 'ones', '4,2', '-n', '1', '--out', out], { env: faultEnv('rank=0,at=commit,do=throw') });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: rank 0 \(\S+\): injected fault at commit/);
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.dnd-')), []);
  });
});
