/**
 * info --stats/--checksum of a contiguous dataset maps each rank's byte range of the file
 * (src/dnd/io-map.ts, src/native/hdf5-map.cc) instead of reading it into a new block.
 * The values must be the file's: the same report as the HDF5 read (DND_MAP=0), for every
 * kind of dataset and rank count, ranks without rows included; datasets that cannot be
 * mapped (a stored type HDF5 converts, chunked, compact, never written, empty, a rank whose
 * range is not 8-byte aligned) are read, by every rank alike. The trace says which it was.
 * resplit and redistribute of a file send from the mapping: the same output file.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { totalmem } from 'node:os';
import { py, tempDir } from '../helpers/files.js';
import { dnd, faultEnv } from '../helpers/run.js';
import { background } from '../helpers/procs.js';
import { checkTrace } from '../helpers/trace-events.js';
import { sourceIsMapped } from '../../src/runtime/source-map.js';
import { inspectFileSource } from '../../src/runtime/source.js';
import type { Split } from '../../src/dnd/layout.js';

/** what differs from run to run: times and memory */
function stable(json: string): unknown {
  const varying = new Set(['timing', 'baseline_rss', 'peak_rss', 'peak_ratio', 'throughput_bytes_per_s']);
  return JSON.parse(json, (k, x: unknown) => (varying.has(k) ? undefined : x));
}

describe('info maps contiguous datasets: the same report as reading them', () => {
  const dir = tempDir();
  const { cases, offsets, rows } = py<{ cases: Record<string, boolean>; offsets: Record<string, number | null>; rows: Record<string, [number, number]> }>('make_map_cases.py', [dir]);
  const file = join(dir, 'cases.h5');

  /** (--stats) --checksum --json mapped (the default) and read (DND_MAP=0); whether the ranks mapped, from the trace */
  function both(source: string, n: number, extra: string[] = []): { mapped: boolean | null; hdf5Read: boolean } {
    // the launcher's forecast, for its memory check (src/runtime/source-map.ts), must be what the ranks will do
    const [path, dataset] = [source.slice(0, source.lastIndexOf(':')), source.slice(source.lastIndexOf(':') + 1)];
    const splitArg = extra.indexOf('--split') >= 0 ? extra[extra.indexOf('--split') + 1] : '0';
    const forecast = sourceIsMapped(inspectFileSource(path, dataset), (splitArg === 'none' ? null : Number(splitArg)) as Split, n);
    const trace = join(dir, `t-${Math.random().toString(36).slice(2)}.json`);
    // --stats is for real dtypes only
    const args = ['info', source, '-n', String(n), '--oversubscribe', ...(source.endsWith('/c64') ? [] : ['--stats']), '--checksum', ...extra, '--json'];
    const m = dnd([...args, '--trace', trace]);
    const r = dnd(args, { env: { DND_MAP: '0' } });
    assert.equal(m.code, 0, `${args.join(' ')}: ${m.stderr}`);
    assert.equal(r.code, 0, `${args.join(' ')} (read): ${r.stderr}`);
    assert.deepEqual(stable(m.stdout), stable(r.stdout), `${args.join(' ')}: mapped and read differ`);
    const events = checkTrace(JSON.parse(readFileSync(trace, 'utf8'))).events;
    const spans = events.filter((e) => e.name === 'map file' && e.ph === 'X');
    const hdf5Read = events.some((e) => e.name === 'H5Dread');
    assert.equal(forecast, spans.length > 0 && spans[0].args?.mapped === true, `${args.join(' ')}: the launcher forecast ${forecast ? '' : 'no '}mapping`);
    if (spans.length === 0) return { mapped: null, hdf5Read };
    assert.equal(spans.length, n, `${args.join(' ')}: one mapping decision per rank`);
    // every rank decided alike
    assert.equal(new Set(spans.map((e) => e.args?.mapped)).size, 1, `${args.join(' ')}: ranks disagree on mapping`);
    const mapped = spans[0].args?.mapped === true;
    // a mapped load reads nothing through HDF5
    if (mapped) assert.ok(!hdf5Read, `${args.join(' ')}: mapped, yet H5Dread in the trace`);
    return { mapped, hdf5Read };
  }

  /** Whether every rank's range starts 8-byte aligned in the file (the mapping's condition). */
  function aligned(name: string, n: number): boolean {
    const [count0, rowBytes] = rows[name];
    const base = offsets[name];
    if (base === null) return false;
    let start = 0;
    for (let p = 0; p < n; p++) {
      const count = Math.floor(count0 / n) + (p < count0 % n ? 1 : 0);
      if (count > 0 && (base + start * rowBytes) % 8 !== 0) return false;
      start += count;
    }
    return true;
  }

  it('every kind of dataset on 1, 2 and 5 ranks (more ranks than rows too): identical; mapped exactly where it can be', () => {
    let mappedRuns = 0;
    for (const [name, mappable] of Object.entries(cases)) {
      for (const n of [1, 2, 5]) {
        const { mapped, hdf5Read } = both(`${file}:/${name}`, n);
        if (mapped) mappedRuns++;
        // rows of 2 (bool) or 3 (u8) bytes: a rank's range is 8-byte aligned for some rank counts only
        const want = mappable && aligned(name, n);
        assert.equal(mapped, want, `${name} -n ${n}`);
        // what is not mapped is read through HDF5 (but for what has no values stored)
        if (!mapped && name !== 'never' && name !== 'empty') assert.ok(hdf5Read, `${name} -n ${n}: neither mapped nor read`);
      }
    }
    // whatever offsets HDF5 chose, most kinds map at most rank counts: the test is not vacuous
    assert.ok(mappedRuns >= 6, `only ${mappedRuns} runs mapped`);
  });

  it('split none maps the whole dataset on every rank; a split along another axis is read', () => {
    assert.equal(both(`${file}:/f32`, 3, ['--split', 'none']).mapped, true);
    const along1 = both(`${file}:/f32`, 2, ['--split', '1']);
    assert.deepEqual([along1.mapped, along1.hdf5Read], [false, true]);
  });

  it('resplit and redistribute of a file send from the mapping: the same file out as when read, values verified', () => {
    const digest = (f: string) => py<{ shape: number[]; dtype: string; sha256: string }>('digest.py', [f, '/x']);
    for (const [name, args] of [
      ['f32', ['resplit', `${file}:/f32`, '--axis', '1', '-n', '3']],
      ['i64', ['redistribute', `${file}:/i64`, '--target', '20,0,5', '-n', '3']],
      ['c64', ['resplit', `${file}:/c64`, '--axis', 'none', '-n', '2']],
    ] as const) {
      const outs = ['mapped', 'read'].map((how) => {
        const out = join(dir, `${name}-${how}.h5`);
        const trace = join(dir, `${name}-${how}.json`);
        const r = dnd([...args, '--checksum', '--out', `${out}:/x`, '--trace', trace, '--json'], { env: how === 'read' ? { DND_MAP: '0' } : {} });
        assert.equal(r.code, 0, `${args.join(' ')} (${how}): ${r.stderr}`);
        const spans = checkTrace(JSON.parse(readFileSync(trace, 'utf8'))).events.filter((e) => e.name === 'map file' && e.ph === 'X');
        assert.equal(spans.every((e) => e.args?.mapped === true) && spans.length > 0, how === 'mapped', `${name} ${how}: map spans ${JSON.stringify(spans.map((e) => e.args))}`);
        return { json: stable(r.stdout.split(out).join('OUT')), digest: digest(out) };
      });
      assert.deepEqual(outs[0], outs[1], `${name}: mapped and read differ`);
    }
  });

  it('a file with a user block: the dataset offset counts it', () => {
    assert.equal(both(`${join(dir, 'userblock.h5')}:/x`, 2).mapped, true);
    const r = JSON.parse(dnd(['info', `${join(dir, 'userblock.h5')}:/x`, '-n', '2', '--stats', '--json']).stdout) as { stats: { sum: number; max: number } };
    assert.deepEqual([r.stats.sum, r.stats.max], [1170, 58.5]); // 1.5 * (0 + … + 39)
  });

  it('odd file names (a colon and a space, a 255-byte name) map too, with the same report', () => {
    for (const name of ['odd name:a.h5', `${'n'.repeat(252)}.h5`]) {
      const odd = join(dir, name);
      copyFileSync(file, odd);
      assert.equal(both(`${odd}:/f32`, 2).mapped, true, name);
    }
  });

  it('another job replaces the file while a mapped resplit is paused after its load: the output is the file as it was loaded', async () => {
    const src = join(dir, 'replaced.h5');
    const made = dnd(['create', 'arange', '64,8', '--out', `${src}:/x`, '--checksum', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const before = (JSON.parse(made.stdout) as { checksum: string }).checksum;
    const out = join(dir, 'replaced-out.h5');
    const trace = join(dir, 'replaced.json');
    const pid = join(dir, 'paused');
    // both ranks sleep at 'op': after the load (the mapping), before the exchange
    const job = background(['resplit', `${src}:/x`, '--axis', '1', '-n', '2', '--checksum', '--out', `${out}:/x`, '--trace', trace, '--json'], faultEnv(`rank=all,at=op,do=sleep:3,pidfile=${pid}`));
    for (let i = 0; i < 200 && !(existsSync(`${pid}.0`) && existsSync(`${pid}.1`)); i++) await sleep(50);
    assert.ok(existsSync(`${pid}.1`), 'the job reached its pause');
    const other = dnd(['create', 'ones', '64,8', '--out', `${src}:/x`, '--force']);
    assert.equal(other.code, 0, other.stderr);
    const r = await job.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { checksum: string }).checksum, before, 'the values loaded, not the new file');
    const spans = checkTrace(JSON.parse(readFileSync(trace, 'utf8'))).events.filter((e) => e.name === 'map file' && e.ph === 'X');
    assert.ok(spans.length === 2 && spans.every((e) => e.args?.mapped === true), 'the resplit sent from the mapping');
    const written = dnd(['info', `${out}:/x`, '-n', '1', '--checksum', '--json']);
    assert.equal((JSON.parse(written.stdout) as { checksum: string }).checksum, before, 'the output holds the values loaded');
    const now = dnd(['info', `${src}:/x`, '-n', '1', '--checksum', '--json']);
    assert.notEqual((JSON.parse(now.stdout) as { checksum: string }).checksum, before, 'the file was replaced meanwhile');
  });
});

describe('the memory check before launch counts no block for a source the ranks will map', () => {
  const dir = tempDir();
  // sizes against the machine's total memory, which other tests running meanwhile cannot move
  const total = totalmem();
  const COLS = 4096;
  /** a sparse file (no data on disk) of about `bytes`, and ranks enough for ranges below 4 GiB each */
  function sparse(name: string, bytes: number): { source: string; n: string; rows: number } {
    const rows = Math.floor(bytes / (COLS * 4));
    const file = join(dir, name);
    const made = py<{ size: number }>('make_sparse.py', [file, String(rows), String(COLS)]);
    assert.ok(made.size >= rows * COLS * 4, 'the file has its full size');
    return { source: `${file}:/x`, n: String(Math.min(64, Math.ceil((rows * COLS * 4) / (3.5 * 2 ** 30)))), rows };
  }

  it('info --stats of a dataset larger than this machine: launched when mapped (a fault at start shows it), refused when read', () => {
    const { source, n } = sparse('larger.h5', 1.1 * total);
    const args = ['info', source, '--stats', '-n', n, '--oversubscribe'];
    // the job would stream it from the file (35 s for 24 GiB of holes here): a rank fails at start instead
    const mapped = dnd(args, { env: faultEnv('rank=0,at=start,do=throw') });
    assert.equal(mapped.code, 3, mapped.stderr);
    assert.match(mapped.stderr, /rank 0/);
    const read = dnd(args, { env: { DND_MAP: '0' } });
    assert.equal(read.code, 2, read.stderr);
    assert.match(read.stderr, /^dnd: array of \d+,4096 float32 does not fit: the blocks of \d+ rank\(s\) need [\d.]+ GiB but this machine has/);
  });

  it('a move of a mapped source counts the new blocks only: its plan says so, and the real run would not be refused', () => {
    // new blocks of 0.55x the memory fit; with the old blocks too, 1.1x never does
    const { source, n, rows } = sparse('move.h5', 0.55 * total);
    const r = dnd(['resplit', source, '--axis', '1', '-n', n, '--oversubscribe', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { source_mapped: boolean; ranks: { old_bytes: number; new_bytes: number; peak_estimate_bytes: number }[] };
    assert.equal(plan.source_mapped, true);
    assert.ok(plan.ranks.every((k) => k.old_bytes > 0 && k.peak_estimate_bytes === k.new_bytes), JSON.stringify(plan.ranks[0]));
    assert.equal(plan.ranks.reduce((a, k) => a + k.old_bytes, 0), rows * COLS * 4);
    assert.equal(r.stderr, '', 'no refusal: the new blocks fit');
    // read instead: old and new blocks together
    const read = dnd(['resplit', source, '--axis', '1', '-n', n, '--oversubscribe', '--dry-run', '--json'], { env: { DND_MAP: '0' } });
    assert.equal(read.code, 0, read.stderr);
    assert.equal((JSON.parse(read.stdout) as { source_mapped: boolean }).source_mapped, false);
    assert.match(read.stderr, /^dnd: without --dry-run this would be refused here: .*old block \+ new block/);
    // with --counts the ranks redistribute the mapping into blocks at once: counted as blocks
    const counts = Array.from({ length: Number(n) }, (_, p) => Math.floor(rows / Number(n)) + (p < rows % Number(n) ? 1 : 0)).join(',');
    const unbalanced = dnd(['resplit', source, '--axis', '1', '-n', n, '--oversubscribe', '--counts', counts, '--dry-run', '--json']);
    assert.equal((JSON.parse(unbalanced.stdout) as { source_mapped: boolean }).source_mapped, false);
  });
});

describe('a mapped source emptied by another program while the job reads it', () => {
  it('exit 3, the rank killed by SIGBUS, and the likely cause named; the source is not written', () => {
    const dir = tempDir();
    const file = join(dir, 'shrinks.h5');
    const made = dnd(['create', 'randn', '4000,1000', '-n', '2', '--out', file]);
    assert.equal(made.code, 0, made.stderr);
    // rank 0 truncates the file after every rank mapped it and before any touched it
    const r = dnd(['resplit', file, '--axis', '1', '-n', '2', '--out', join(dir, 'out.h5')], { env: faultEnv(`rank=0,at=op,do=truncate,path=${file}`) });
    assert.equal(r.code, 3, r.stderr);
    // the launcher saw the file shrink, so it says so for certain
    assert.match(r.stderr, /^dnd: rank [01] \(\S+\) was killed by signal 7 \(Bus error\) \(SIGBUS: reading \S*shrinks\.h5 through a mapping\); \S*shrinks\.h5 changed size while the job ran \(15\.3 MiB -> 0 B\): another program truncated or rewrote it\n/);
    assert.ok(!existsSync(join(dir, 'out.h5')), 'no output');
  });

  it('in-process (-n 1, no MPI): the same line and exit 3, not the CLI killed by the signal', () => {
    const dir = tempDir();
    const file = join(dir, 'shrinks.h5');
    const made = dnd(['create', 'randn', '4000,1000', '-n', '2', '--out', file]);
    assert.equal(made.code, 0, made.stderr);
    // the only rank truncates the file after mapping it, before the statistics touch it
    const r = dnd(['info', file, '--stats', '-n', '1'], { env: faultEnv(`rank=0,at=op,do=truncate,path=${file}`) });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: rank 0 \(\S+\) was stopped by signal 7 \(Bus error\) \(SIGBUS: \S*shrinks\.h5 was read through a mapping, so most likely it was truncated or rewritten by another program while the job read it; otherwise shared memory, \/dev\/shm, may be full\)\n$/);
    assert.equal(r.stdout, '', 'no report of values never read');
  });

  it('a one-rank write from the emptied mapping (EFAULT, no signal): exit 3, the change named, no output', () => {
    const dir = tempDir();
    const file = join(dir, 'shrinks.h5');
    const made = dnd(['create', 'randn', '4000,1000', '-n', '2', '--out', file]);
    assert.equal(made.code, 0, made.stderr);
    const r = dnd(['resplit', file, '--axis', '1', '-n', '1', '--out', join(dir, 'out.h5')], { env: faultEnv(`rank=0,at=op,do=truncate,path=${file}`) });
    assert.equal(r.code, 3, r.stderr);
    // one line: the write's own failure in the system's words, then what happened to the source
    assert.match(r.stderr, /^dnd: rank 0 \(\S+\): writing \/data failed \(H5FD__sec2_write: file write failed: Bad address\); \S*shrinks\.h5 changed size while the job ran \(15\.3 MiB -> 0 B\): another program truncated or rewrote it\n$/);
    assert.deepEqual(readdirSync(dir), ['shrinks.h5'], 'no output, no temporary file');
  });

  it('a failure with the source untouched says nothing about it', () => {
    const dir = tempDir();
    const file = join(dir, 'kept.h5');
    assert.equal(dnd(['create', 'randn', '400,10', '-n', '2', '--out', file]).code, 0);
    const r = dnd(['resplit', file, '--axis', '1', '-n', '2', '--out', join(dir, 'out.h5')], { env: faultEnv('rank=1,at=op,do=throw') });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^dnd: rank 1 \(\S+\): injected fault at op/);
    assert.doesNotMatch(r.stderr, /while the job ran/);
  });
});
