/**
 * Durable writes of contiguous datasets split along the first axis (or none) go around
 * HDF5 and the page cache: each rank writes its own byte range, whole pages with O_DIRECT
 * and the partial pages at its ends through the cache (src/native/direct-write.cc). The
 * file must hold exactly what the buffered HDF5 write (DND_DIRECT=off) gives, whatever the
 * rank boundaries (not page-aligned, ranks without rows, one rank holding all), dtypes and
 * files (one that already holds other datasets, a file system without O_DIRECT); h5py
 * reads it back. The trace says how many bytes went directly. `--no-fsync` writes go
 * through the page cache in timed steps and around it once a step is slower than the disk.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { py, tempDir } from '../helpers/files.js';
import { dnd } from '../helpers/run.js';
import { SLOW_PAGES } from '../../src/dnd/io.js';
import { checkTrace } from '../helpers/trace-events.js';

interface Digest {
  shape: number[];
  dtype: string;
  sha256: string;
}

/** The bytes each rank wrote directly, from the trace's H5Dwrite events (null: not a direct write). */
function directBytes(trace: string): number[] | null {
  const events = checkTrace(JSON.parse(readFileSync(trace, 'utf8'))).events.filter((e) => e.name === 'H5Dwrite');
  assert.ok(events.length > 0, 'no H5Dwrite in the trace');
  if (events.every((e) => e.args?.direct === undefined)) return null;
  return events.map((e) => Number(e.args?.direct));
}

describe('writes of contiguous datasets go around HDF5 (durable ones to the disk directly), with the same file contents', () => {
  const dir = tempDir();

  /** create ... --out, durable (the default) and with DND_DIRECT=off: the digests, and the bytes written directly. */
  function both(create: string[], n: number, dataset = '/data', extraEnv: Record<string, string> = {}, where = dir, tag = Math.random().toString(36).slice(2)): { direct: number[] | null; digest: Digest; file: string } {
    const a = join(where, `a-${tag}.h5`);
    const b = join(where, `b-${tag}.h5`);
    const trace = join(dir, `t-${tag}.json`);
    const args = (file: string) => ['create', ...create, '-n', String(n), '--oversubscribe', '--out', `${file}:${dataset}`];
    const r1 = dnd([...args(a), '--trace', trace], { env: extraEnv });
    assert.equal(r1.code, 0, `${args(a).join(' ')}: ${r1.stderr}`);
    const r2 = dnd(args(b), { env: { ...extraEnv, DND_DIRECT: 'off' } });
    assert.equal(r2.code, 0, `${args(b).join(' ')} (DND_DIRECT=off): ${r2.stderr}`);
    const da = py<Digest>('digest.py', [a, dataset]);
    assert.deepEqual(da, py<Digest>('digest.py', [b, dataset]), `${create.join(' ')} -n ${n}: direct and HDF5 writes differ`);
    return { direct: directBytes(trace), digest: da, file: a };
  }

  // rank boundaries nowhere near a page boundary: rows of 8 * 1000003 bytes, 4 KiB * k + odd
  const cases: { create: string[]; ns: number[]; big: boolean }[] = [
    { create: ['arange', '1000003', '--dtype', 'float64'], ns: [1, 2, 3, 4], big: true },
    { create: ['randn', '1021,1031'], ns: [3], big: true },
    { create: ['eye', '333,2049', '--dtype', 'complex64'], ns: [2, 4], big: true },
    { create: ['randint', '2001,1999', '--dtype', 'int16', '--low', '-300', '--high', '300'], ns: [4], big: true },
    { create: ['eye', '4097,1000', '--dtype', 'bool'], ns: [2], big: true },
    // a rank holding all rows, ranks without any, one row per rank
    { create: ['randn', '4096,300', '--counts', '0,4096,0'], ns: [3], big: true },
    { create: ['randn', '4,700001', '--counts', '1,1,1,1'], ns: [4], big: true },
    // every bit kept: non-finite values, integers beyond 2^53
    { create: ['full', '2999,1001', '--value', 'nan'], ns: [3], big: true },
    { create: ['full', '1001,2999', '--dtype', 'float64', '--value', '-inf'], ns: [2], big: true },
    { create: ['arange', '700001', '--dtype', 'int64', '--start', '9007199254740993'], ns: [3], big: true },
    // small: no whole page to write directly, the ranges go through the cache
    { create: ['arange', '7,5,3'], ns: [2, 4], big: false },
  ];
  for (const c of cases) {
    for (const n of c.ns) {
      it(`${c.create.join(' ')} -n ${n}`, () => {
        const { direct, digest, file } = both(c.create, n);
        assert.ok(direct !== null, 'a durable write of a contiguous dataset split along axis 0 goes around HDF5');
        assert.equal(direct.length, n);
        if (c.big) assert.ok(direct.some((d) => d > 0), `nothing went directly: ${direct.join(',')}`);
        else assert.deepEqual(direct, direct.map(() => 0));
        assert.deepEqual(digest.shape, c.create[1].split(',').map(Number));
        // not only equal to HDF5's write: the values themselves
        if (c.create[0] === 'arange' && !c.create.includes('--start')) assert.equal(py<{ equals_arange: boolean }>('read_back.py', [file, '/data', 'arange']).equals_arange, true);
      });
    }
  }

  it('an empty dimension: nothing to write, either way', () => {
    for (const shape of ['0,7', '7,0']) {
      const { direct, digest } = both(['zeros', shape], 2);
      assert.equal(direct, null, 'an empty array has no storage to write around HDF5');
      assert.deepEqual(digest.shape, shape.split(',').map(Number));
    }
  });

  it('a file name with a colon and a space (ROMIO reads a prefix before a colon): the same file', () => {
    const tag = 'odd';
    const odd = join(dir, 'odd name');
    mkdirSync(odd);
    const { direct } = both(['arange', '1000003', '--dtype', 'float64'], 2, '/data', {}, odd, `x:y ${tag}`);
    assert.ok(direct !== null && direct.every((d) => d > 0));
  });

  it('split none: rank 0 writes the whole array directly, the others nothing', () => {
    const { direct } = both(['randn', '1500,1001', '--split', 'none'], 3);
    assert.ok(direct !== null);
    assert.ok(direct[0] > 0 && direct[1] === 0 && direct[2] === 0, `direct bytes per rank: ${direct.join(',')}`);
  });

  it('split along another axis is written by HDF5 (the ranges are not contiguous in the file)', () => {
    const { direct } = both(['randn', '1000,1001', '--split', '1'], 3);
    assert.equal(direct, null);
  });

  it('--no-fsync measures: through the page cache while it is faster than the disk, around it after a slower step', () => {
    for (const n of [1, 3]) {
      const tag = `nofsync-${n}`;
      const { direct } = both(['randn', '3001,1000', '--no-fsync'], n, '/data', {}, dir, tag);
      const events = checkTrace(JSON.parse(readFileSync(join(dir, `t-${tag}.json`), 'utf8'))).events.filter((e) => e.name === 'H5Dwrite');
      assert.ok(direct !== null);
      for (const e of events) {
        const measured = Number(e.args?.buffered_s_per_gib);
        assert.ok(measured > 0, `rank ${e.pid}: no step timed`);
        // every rank here writes, all on this one host: the disk's share is 1/n
        assert.equal(e.args?.slow_s_per_gib, SLOW_PAGES * n);
        // a rank goes around the cache only after a step slower than the disk's share (a slow
        // last step leaves nothing to write directly, so no converse)
        assert.equal(typeof e.args?.direct, 'number');
        if (Number(e.args?.direct) > 0) assert.ok(measured > SLOW_PAGES * n, `rank ${e.pid}: direct ${e.args?.direct} although every step took at most ${measured} s/GiB`);
      }
    }
  });

  it('DND_DIRECT=on writes --no-fsync directly, DND_DIRECT=off through HDF5', () => {
    const { direct } = both(['randn', '2000,1000', '--no-fsync'], 2, '/data', { DND_DIRECT: 'on' });
    assert.ok(direct !== null && direct.every((d) => d > 0));
    const trace = join(dir, 'off.json');
    assert.equal(dnd(['create', 'randn', '2000,1000', '-n', '2', '--out', join(dir, 'off.h5'), '--trace', trace], { env: { DND_DIRECT: 'off' } }).code, 0);
    assert.equal(directBytes(trace), null);
  });

  it('a dataset added to a file that holds others: they survive, the new one is exact', () => {
    const file = join(dir, 'shared.h5');
    assert.equal(dnd(['create', 'arange', '10', '--out', `${file}:/keep`]).code, 0);
    const keep = py<Digest>('digest.py', [file, '/keep']);
    const trace = join(dir, 'shared.json');
    const r = dnd(['create', 'arange', '3001,999', '--dtype', 'float64', '-n', '3', '--out', `${file}:/grp/new`, '--trace', trace]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(directBytes(trace)?.every((d) => d > 0));
    assert.deepEqual(py<Digest>('digest.py', [file, '/keep']), keep);
    assert.equal(py<{ equals_arange: boolean }>('read_back.py', [file, '/grp/new', 'arange']).equals_arange, true);
  });

  it('a file on tmpfs (O_DIRECT there since Linux 6.6; refused before, then buffered): the same file', () => {
    const shm = mkdtempSync('/dev/shm/dnd-direct-');
    after(() => rmSync(shm, { recursive: true, force: true }));
    const { direct } = both(['arange', '1000003', '--dtype', 'float64'], 2, '/data', {}, shm);
    // whether this kernel's tmpfs takes O_DIRECT or not, the values are the file's (both())
    assert.ok(direct !== null && direct.length === 2);
  });
});
