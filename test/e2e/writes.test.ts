/**
 * What a write guarantees (README "What a write guarantees"): concurrent writers never
 * lose an update, --out never replaces what it should not (the input, a hard link, a
 * FIFO, a device) and keeps permissions, the file is synced before and after it is put in
 * place, every legal file name works at every -n, and an interrupted or killed write
 * leaves no temporary file. Values are read back with h5py.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PYTHON, py, tempDir } from '../helpers/files.js';
import { BIN, dnd, dndJson, faultEnv } from '../helpers/run.js';
import { background } from '../helpers/procs.js';
import type { ArrayReport } from '../../src/runtime/report.js';


async function waitFor(path: string, timeoutS = 30): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (Date.now() - t0 > timeoutS * 1000) throw new Error(`${path} did not appear`);
    await sleep(50);
  }
}

/** Runs a few lines of h5py in the system Python (serial build). */
function h5py(code: string, args: string[] = []): string {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OMPI_') || k.startsWith('PMIX_')) delete env[k];
  return execFileSync(PYTHON, ['-c', `import sys, h5py, numpy as np\n${code}`, ...args], { encoding: 'utf8', env });
}

function datasets(file: string): string[] {
  return JSON.parse(h5py('f = h5py.File(sys.argv[1], "r"); print(__import__("json").dumps(sorted(f.keys())))', [file])) as string[];
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.dnd-'));
}

function oneLine(s: string): void {
  assert.equal(s.trim().split('\n').length, 1, `one line: ${s}`);
}

describe('concurrent writers: the loser fails with one line, nothing is lost', () => {
  const dir = tempDir();

  it('two creates of the same new file: one wins whole, the other exits 3', async () => {
    for (const n of [1, 2]) {
      const file = `${dir}/race${n}.h5`;
      // the second starts while the first is about to write (it has planned its output and
      // pauses): the two are in flight together even where a job takes a tenth of a second
      // (-n 1 runs in-process, without MPI)
      const pidfile = `${dir}/writing${n}`;
      const a = background(['create', 'arange', '40,3', '-n', String(n), '--out', file], faultEnv(`rank=0,at=write,do=sleep:1,pidfile=${pidfile}`));
      for (let i = 0; i < 400 && !existsSync(`${pidfile}.0`); i++) await sleep(25);
      const b = background(['create', 'ones', '40,3', '-n', String(n), '--out', file]);
      const [ra, rb] = await Promise.all([a.done, b.done]);
      const codes = [ra.code, rb.code].sort();
      assert.deepEqual(codes, [0, 3], `n ${n}: ${ra.stderr} ${rb.stderr}`);
      const loser = ra.code === 3 ? ra : rb;
      oneLine(loser.stderr);
      assert.match(loser.stderr, /is being written by dnd on|was created while this job ran/);
      const back = py<{ sum: number; equals_arange: boolean }>('read_back.py', [file, '/data', 'arange']);
      assert.equal(ra.code === 0 ? back.equals_arange : back.sum === 120, true, 'the winner\'s array, whole');
      assert.deepEqual(leftovers(dir), []);
    }
  });

  it('two jobs adding /a and /b to one file: neither dataset is lost (the loser says so and can retry)', async () => {
    const file = `${dir}/shared.h5`;
    dndJson(['create', 'ones', '4', '--out', `${file}:/keep`]);
    const a = background(['create', 'arange', '30', '-n', '2', '--out', `${file}:/a`]);
    const b = background(['create', 'arange', '30', '-n', '3', '--out', `${file}:/b`]);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    const won = ra.code === 0 ? 'a' : 'b';
    assert.deepEqual([ra.code, rb.code].sort(), [0, 3], `${ra.stderr} ${rb.stderr}`);
    oneLine((ra.code === 3 ? ra : rb).stderr);
    assert.deepEqual(datasets(file), [won, 'keep'].sort());
    const lost = won === 'a' ? 'b' : 'a';
    dndJson(['create', 'arange', '30', '-n', '2', '--out', `${file}:/${lost}`]);
    assert.deepEqual(datasets(file), ['a', 'b', 'keep']);
    for (const d of ['/a', '/b']) assert.equal(py<{ equals_arange: boolean }>('read_back.py', [file, d, 'arange']).equals_arange, true);
  });

  it('a writer that is not dnd (no lock) changes the file during the job: exit 3, its change kept', async () => {
    const file = `${dir}/foreign.h5`;
    dndJson(['create', 'ones', '4', '--out', `${file}:/keep`]);
    const pidfile = `${dir}/pid-foreign`;
    const job = background(['create', 'arange', '10', '-n', '2', '--out', `${file}:/mine`], faultEnv(`rank=0,at=commit,do=sleep:3,pidfile=${pidfile}`));
    await waitFor(`${pidfile}.0`);
    h5py('f = h5py.File(sys.argv[1], "a"); f["theirs"] = np.arange(3)', [file]);
    const r = await job.done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: rank 0 \(\S+\): .*foreign\.h5 changed while this job ran \(another writer\?\): nothing was replaced/);
    oneLine(r.stderr);
    assert.deepEqual(datasets(file), ['keep', 'theirs']);
    assert.deepEqual(leftovers(dir), []);
  });

  it('a file created by someone else while the job ran is never replaced (no-replace link)', async () => {
    const file = `${dir}/appeared.h5`;
    const pidfile = `${dir}/pid-appeared`;
    const job = background(['create', 'arange', '10', '-n', '3', '--out', file], faultEnv(`rank=0,at=commit,do=sleep:3,pidfile=${pidfile}`));
    await waitFor(`${pidfile}.0`);
    h5py('f = h5py.File(sys.argv[1], "w"); f["theirs"] = np.arange(3)', [file]);
    const r = await job.done;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /appeared\.h5 was created while this job ran/);
    assert.deepEqual(datasets(file), ['theirs']);
    assert.deepEqual(leftovers(dir), []);
  });

  it('locks: a live owner refuses, a dead one (kill -9) is cleaned up with its temporary file', async () => {
    const file = `${dir}/locked.h5`;
    const lock = `${dir}/.locked.h5.dnd-lock`;
    // a live owner on this host: this test's own process, with its real start time
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(lock, JSON.stringify({ host: hostname(), pid: process.pid, started, token: 'live', since: 'now' }));
    const busy = dnd(['create', 'ones', '4', '-n', '2', '--out', file]);
    assert.equal(busy.code, 3, busy.stderr);
    assert.match(busy.stderr, new RegExp(`locked\\.h5 is being written by dnd on ${hostname()}, pid ${process.pid}`));
    oneLine(busy.stderr);
    // another host: fresh heartbeat refuses, an old one is stale
    writeFileSync(lock, JSON.stringify({ host: 'elsewhere', pid: 1, started: '1', token: 'remote', since: 'then' }));
    assert.equal(dnd(['create', 'ones', '4', '--out', file]).code, 3);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(lock, old, old);
    dndJson(['create', 'ones', '4', '--out', file]);
    assert.equal(existsSync(lock), false);
    // the launcher killed with -9 while its job was about to commit: lock and temporary stay
    const pidfile = `${dir}/pid-k9`;
    const job = background(['create', 'arange', '6', '--out', `${file}:/x`], faultEnv(`rank=0,at=commit,do=sleep:20,pidfile=${pidfile}`));
    await waitFor(`${pidfile}.0`);
    job.child.kill('SIGKILL');
    await job.done;
    assert.equal(leftovers(dir).filter((f) => f.endsWith('.tmp')).length, 1, 'the dead job left its temporary file');
    assert.ok(existsSync(lock));
    dndJson(['create', 'arange', '6', '-n', '2', '--out', `${file}:/x`]);
    assert.deepEqual(leftovers(dir), [], 'the next writer removed the dead job\'s lock and temporary file');
    assert.deepEqual(datasets(file), ['data', 'x']);
  });
});

describe('what --out may replace', () => {
  const dir = tempDir();

  it('a symbolic link is followed (the link stays); a dangling one is refused', () => {
    const real = `${dir}/real.h5`;
    dndJson(['create', 'ones', '3', '--out', `${real}:/a`]);
    symlinkSync('real.h5', `${dir}/link.h5`);
    const r = dndJson<ArrayReport>(['create', 'arange', '5', '-n', '2', '--out', `${dir}/link.h5:/b`]);
    assert.equal(r.out?.file, `${dir}/link.h5`);
    assert.ok(lstatSync(`${dir}/link.h5`).isSymbolicLink(), 'still a link');
    assert.deepEqual(datasets(real), ['a', 'b']);
    symlinkSync('nowhere.h5', `${dir}/dangling.h5`);
    const d = dnd(['create', 'arange', '5', '--out', `${dir}/dangling.h5`]);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /is a symbolic link to a file that does not exist/);
  });

  it('a hard-linked file is refused without --force; with it, only this name gets the new file', () => {
    const a = `${dir}/hard-a.h5`;
    dndJson(['create', 'ones', '3', '--out', a]);
    linkSync(a, `${dir}/hard-b.h5`);
    const r = dnd(['create', 'arange', '3', '-n', '2', '--out', `${a}:/x`]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has 2 hard links; replacing it would leave the other names with the old contents: use --force/);
    dndJson(['create', 'arange', '3', '-n', '2', '--out', `${a}:/x`, '--force']);
    assert.deepEqual(datasets(a), ['data', 'x']);
    assert.deepEqual(datasets(`${dir}/hard-b.h5`), ['data'], 'the other name keeps the old contents');
  });

  it('FIFOs and devices are refused before launch, as output and as input (no hang)', () => {
    execFileSync('mkfifo', [`${dir}/pipe.h5`]);
    for (const args of [
      ['create', 'ones', '3', '-n', '2', '--out', `${dir}/pipe.h5`],
      ['info', `${dir}/pipe.h5`, '-n', '2'],
      ['create', 'ones', '3', '--out', '/dev/null', '--force'],
      ['info', '/dev/null'],
    ]) {
      const r = dnd(args, { timeoutMs: 20000 });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /is a (FIFO \(named pipe\)|character device)/);
      oneLine(r.stderr);
    }
  });

  it('the input itself is not replaced without --force; with it, the dataset is rewritten exactly', () => {
    const file = `${dir}/self.h5`;
    dndJson(['create', 'arange', '6,4', '--out', `${file}:/x`]);
    const r = dnd(['resplit', `${file}:/x`, '--axis', '1', '-n', '2', '--out', `${file}:/x`]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is the input itself \(.*self\.h5:\/x\); use --force/);
    dndJson(['resplit', `${file}:/x`, '--axis', '1', '-n', '3', '--out', `${file}:/x`, '--force']);
    assert.equal(py<{ equals_arange: boolean }>('read_back.py', [file, '/x', 'arange']).equals_arange, true);
  });

  it('permissions and owner of a replaced file are kept, never widened', () => {
    const file = `${dir}/private.h5`;
    dndJson(['create', 'ones', '3', '--out', file]);
    chmodSync(file, 0o600);
    dndJson(['create', 'arange', '3', '-n', '2', '--out', `${file}:/more`]);
    assert.equal(statSync(file).mode & 0o7777, 0o600);
    writeFileSync(`${dir}/notes.h5`, 'text');
    chmodSync(`${dir}/notes.h5`, 0o640);
    dndJson(['create', 'arange', '3', '--out', `${dir}/notes.h5`, '--force']);
    assert.equal(statSync(`${dir}/notes.h5`).mode & 0o7777, 0o640);
  });

  it('HDF5 paths that cannot be made, a truncated or locked file: exit 2 before launch, one line', async () => {
    const file = `${dir}/paths.h5`;
    dndJson(['create', 'ones', '3', '--out', `${file}:/g/d`]);
    const under = dnd(['create', 'ones', '3', '-n', '2', '--out', `${file}:/g/d/e`]);
    assert.equal(under.code, 2);
    assert.match(under.stderr, /\/g\/d is a dataset, so \/g\/d\/e cannot be created inside it/);
    const group = dnd(['create', 'ones', '3', '-n', '2', '--out', `${file}:/g`]);
    assert.equal(group.code, 2);
    assert.match(group.stderr, /\/g is a group in it, not a dataset/);
    copyFileSync(file, `${dir}/cut.h5`);
    truncateSync(`${dir}/cut.h5`, 1200);
    const cut = dnd(['create', 'ones', '3', '-n', '2', '--out', `${dir}/cut.h5:/x`]);
    assert.equal(cut.code, 2, cut.stderr);
    assert.match(cut.stderr, /cut\.h5 cannot be opened as HDF5 \(truncated\?\)/);
    oneLine(cut.stderr);
    // h5py holds the file open for writing (HDF5's own file lock)
    const holder = spawn(PYTHON, ['-c', 'import sys, h5py, time; f = h5py.File(sys.argv[1], "a"); print("open", flush=True); time.sleep(30)', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    try {
      const locked = dnd(['create', 'ones', '3', '-n', '2', '--out', `${file}:/y`]);
      assert.equal(locked.code, 2, locked.stderr);
      assert.match(locked.stderr, /paths\.h5 is open for writing in another program \(HDF5's file lock: .*\): close it there and run again, or set HDF5_USE_FILE_LOCKING=FALSE/);
      oneLine(locked.stderr);
      // read as a source, with or without MPI: the same words, before any job
      for (const args of [['info', file, '-n', '1'], ['info', `${file}:/g/d`, '--stats', '-n', '2'], ['resplit', `${file}:/g/d`, '--axis', '0', '-n', '1']]) {
        const r = dnd(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^dnd: \S*paths\.h5 is open for writing in another program \(HDF5's file lock/);
        oneLine(r.stderr);
      }
    } finally {
      holder.kill();
    }
  });
});

describe('durability: synced before and after it is put in place', () => {
  const dir = tempDir();
  const fsyncs = (args: string[]) => {
    const r = spawnSync('strace', ['-f', '-e', 'trace=fsync,fdatasync', '-o', `${dir}/trace`, process.execPath, BIN, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(`${dir}/trace`, 'utf8').split('\n').filter((l) => /f(data)?sync\(/.test(l)).length; // calls made (some show as <unfinished>)
  };
  it('the file and its directory are fsynced; --no-fsync skips both (in-process and under mpiexec)', () => {
    assert.ok(fsyncs(['create', 'arange', '4', '--out', `${dir}/d1.h5`]) >= 2, 'file and directory');
    assert.equal(fsyncs(['create', 'arange', '4', '--out', `${dir}/d2.h5`, '--no-fsync']), 0);
    assert.ok(fsyncs(['create', 'arange', '4', '-n', '2', '--out', `${dir}/d3.h5`]) >= 3, 'each rank syncs, rank 0 syncs the directory');
    for (const f of ['d1', 'd2', 'd3']) assert.equal(py<{ equals_arange: boolean }>('read_back.py', [`${dir}/${f}.h5`, '/data', 'arange']).equals_arange, true);
  });
});

describe('file names: every legal name works at every -n', () => {
  const dir = tempDir();
  const long = `${'n'.repeat(252)}.h5`; // 255 bytes: NAME_MAX
  const names = ['a:b.h5', 'with space.h5', '-dash.h5', 'ünï ☃.h5', long, `${'é'.repeat(126)}.h5`, 'c:/not-a-dataset.h5'.replace('/', '_'), 'x:y:z.h5'];
  names.forEach((name, i) => {
    const n = (i % 4) + 1;
    it(`${JSON.stringify(name.length > 40 ? `${name.slice(0, 20)}…(${Buffer.byteLength(name)} bytes)` : name)} at -n ${n} and ${(n % 4) + 1}`, () => {
      const made = dndJson<ArrayReport>(['create', 'arange', '5,2', '-n', String(n), `--out=${name}`, '--checksum'], { cwd: dir });
      assert.equal(made.out?.file, `${dir}/${name}`);
      const back = dndJson<ArrayReport>(['info', name.startsWith('-') ? `./${name}` : name, '-n', String((n % 4) + 1), '--checksum'], { cwd: dir });
      assert.equal(back.checksum, made.checksum);
      dndJson(['resplit', `./${name}`, '--axis', '1', '-n', String((n % 4) + 1), `--out=${name}:/t`], { cwd: dir });
      assert.equal(py<{ equals_arange: boolean }>('read_back.py', [`${dir}/${name}`, '/t', 'arange']).equals_arange, true);
      assert.deepEqual(leftovers(dir), []);
    });
  });

  it('a source that is both a generator and an existing file: the file wins; ./ forces a file', () => {
    dndJson(['create', 'ones', '2,2', '--out', 'randn:7,4'], { cwd: dir });
    const file = dndJson<ArrayReport>(['info', 'randn:7,4', '-n', '2'], { cwd: dir });
    assert.deepEqual(file.gshape, [2, 2], 'the existing file');
    const gen = dndJson<ArrayReport>(['info', 'randn:7,4', '-n', '2']);
    assert.deepEqual(gen.gshape, [7, 4], 'no such file here: the generator');
    const forced = dnd(['info', './randn:7,5', '-n', '2'], { cwd: dir });
    assert.equal(forced.code, 2);
    assert.match(forced.stderr, /randn:7,5: no such file/);
  });
});

describe('interrupted writes leave nothing behind', () => {
  const dir = tempDir();
  const existing = `${dir}/kept.h5`;

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${sig} to an in-process (-n 1) write: exit ${code}, one line, no temporary file, the target as it was`, async () => {
      if (!existsSync(existing)) dndJson(['create', 'ones', '8', '--out', `${existing}:/keep`]);
      const before = readFileSync(existing).toString('base64');
      const pidfile = `${dir}/pid-${sig}`;
      const job = background(['create', 'randn', '256,256', '--out', `${existing}:/new`], faultEnv(`rank=0,at=write,do=sleep:30,pidfile=${pidfile}`));
      await waitFor(`${pidfile}.0`);
      assert.equal(leftovers(dir).filter((f) => f.endsWith('.tmp')).length, 1, 'the copy being written');
      job.child.kill(sig);
      const r = await job.done;
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stderr, `dnd: interrupted by ${sig}${sig === 'SIGHUP' ? ' (the terminal or session closed)' : ''}: create stopped; nothing was written to ${existing}\n`);
      assert.deepEqual(leftovers(dir), []);
      assert.equal(readFileSync(existing).toString('base64'), before);
    });
  }
});
