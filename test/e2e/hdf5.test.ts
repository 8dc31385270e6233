/**
 * Parallel HDF5 both ways, with real files: dnd reads what h5py wrote (contiguous,
 * chunked, gzip, big-endian, groups; 1-4 ranks, every split) and h5py and h5dump read
 * what dnd wrote. Element placement is checked through dnd's distribution-independent
 * checksum against the same array built by `dnd create arange`.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, truncateSync, copyFileSync, writeFileSync } from 'node:fs';
import { describe, it, before } from 'node:test';
import { balancedLshapeMap } from '../../src/dnd/layout.js';
import type { InfoReport } from '../../src/runtime/jobs/info.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import { h5dump, py, tempDir } from '../helpers/files.js';
import { BIN, dnd, dndJson } from '../helpers/run.js';
import { spawnSync } from 'node:child_process';
import { assertSchema } from '../helpers/schema.js';
import { sweep, type SweepItem } from '../helpers/sweep.js';

interface Made {
  file: string;
  dataset: string;
  shape: number[];
  dtype: string;
}

const DTYPE: Record<string, string> = { float32: 'float32', float64: 'float64', int16: 'int16', int32: 'int32', uint8: 'uint8', int64: 'int64' };

describe('dnd reads files written by h5py', () => {
  const dir = tempDir();
  let made: Made[] = [];
  before(() => {
    made = py<Made[]>('make_files.py', [dir]);
  });

  it('every dataset, 1-4 ranks, every split: same global array as dnd create arange', () => {
    const items: SweepItem[] = made.flatMap((m) => ['none', ...m.shape.map((_, i) => String(i))].map((split): SweepItem => [m.file, m.dataset, split]));
    // every (dataset, split) pair at every -n: one job per rank count (helpers/sweep.ts)
    const swept = [1, 2, 3, 4].map((n) => sweep(n, items, dir));
    made.forEach((m, k) => {
      const shape = m.shape.join(',');
      const dtype = DTYPE[m.dtype];
      assert.ok(dtype, `dtype ${m.dtype}`);
      const want = dndJson<ArrayReport>(['create', 'arange', shape, '--dtype', dtype, '--checksum']).checksum;
      const src = `${m.file}:${m.dataset}`;
      // and through the command line once per dataset, at a rank count and split that rotate
      const splits = ['none', ...m.shape.map((_, i) => String(i))];
      const split = splits[k % splits.length];
      const ranks = (k % 4) + 1;
      const r = dndJson<InfoReport>(['info', src, '-n', String(ranks), '--split', split, '--checksum']);
      assertSchema('array-report', r);
      assert.deepEqual(r.gshape, m.shape, src);
      assert.equal(r.dtype, dtype, src);
      assert.deepEqual(r.lshape_map, balancedLshapeMap(m.shape, split === 'none' ? null : Number(split), ranks));
      assert.equal(split === 'none' ? r.ranks[0].checksum : r.checksum, want, `${src} split ${split} n ${ranks}: contents`);
      swept.forEach((results, i) => {
        const n = i + 1;
        items.forEach(([file, dataset, split], j) => {
          if (file !== m.file || dataset !== m.dataset) return;
          const got = results[j];
          const axis = split === 'none' ? null : Number(split);
          assert.deepEqual(got.gshape, m.shape, src);
          assert.equal(got.dtype, dtype, src);
          assert.deepEqual(got.lshape_map, balancedLshapeMap(m.shape, axis, n), `${src} split ${split} n ${n}`);
          if (axis !== null) assert.equal(got.checksum, want, `${src} split ${split} n ${n}: contents`);
          else for (const c of got.copies ?? []) assert.equal(c, want, `${src} split none n ${n}: every rank holds it all`);
        });
      });
    });
  });

  it('reports file facts: layout, chunks, filters, stored type (big-endian too)', () => {
    const gz = dndJson<InfoReport>(['info', `${dir}/gzip.h5`, '-n', '2']);
    assert.equal(gz.file, `${dir}/gzip.h5`);
    assert.equal((gz.dataset as { layout: string }).layout, 'chunked');
    assert.deepEqual((gz.dataset as { chunks: number[] }).chunks, [4, 5]);
    assert.deepEqual((gz.dataset as { filters: string[] }).filters, ['gzip level 4']);
    const be = dndJson<InfoReport>(['info', `${dir}/bigendian.h5`, '-n', '2']);
    assert.equal((be.dataset as { stored_type: string }).stored_type, 'big-endian float64');
    const table = dnd(['info', `${dir}/grouped.h5`, '-n', '3']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /dataset\s+\/group\/sub\/t3\s+shape \(5, 4, 3\)/);
    assert.match(table.stdout, /distribution rows of axis 0 per rank\n\s+0 █+\s+2 \(40\.0%\)/);
  });

  it('--stats matches numpy (min, max, mean, std) on 1-4 ranks', () => {
    for (const name of ['gzip', 'i16', 'bigendian_int']) {
      const file = `${dir}/${name}.h5`;
      const ref = py<{ min: number; max: number; mean: number; std: number }>('read_back.py', [file, '/x']);
      for (const n of [1, 3, 4]) {
        const r = dndJson<InfoReport>(['info', file, '-n', String(n), '--stats', '--split', n === 3 ? '1' : '0']);
        assert.equal(r.stats?.min, ref.min);
        assert.equal(r.stats?.max, ref.max);
        assert.ok(Math.abs(Number(r.stats?.mean ?? NaN) - ref.mean) <= 1e-12 * Math.max(1, Math.abs(ref.mean)), `${name} mean`);
        assert.ok(Math.abs(Number(r.stats?.std ?? NaN) - ref.std) <= 1e-12 * Math.max(1, ref.std), `${name} std`);
      }
    }
    const b = dndJson<InfoReport>(['info', `${dir}/bool.h5`, '-n', '3', '--stats']);
    assert.equal(b.dtype, 'bool');
    assert.deepEqual([b.stats?.count, b.stats?.min, b.stats?.max], [12, 0, 1]);
    assert.ok(Math.abs(Number(b.stats?.mean ?? NaN) - 4 / 12) < 1e-15);
  });

  it('bad files and datasets: one line, exit 2, nothing started', () => {
    writeFileSync(`${dir}/text.h5`, 'not hdf5\n');
    copyFileSync(`${dir}/contiguous.h5`, `${dir}/truncated.h5`);
    truncateSync(`${dir}/truncated.h5`, 1000);
    mkdirSync(`${dir}/adir.h5`);
    const cases: [string, RegExp][] = [
      [`${dir}/missing.h5`, /no such file/],
      [`${dir}/adir.h5`, /is a directory/],
      [`${dir}/text.h5`, /is not an HDF5 file/],
      [`${dir}/truncated.h5`, /not an HDF5 file|cannot be read as HDF5/],
      [`${dir}/contiguous.h5:/nope`, /has no dataset \/nope: it holds \/x/],
      [`${dir}/compound.h5`, /stores compound values, which dnd cannot load/],
      [`${dir}/strings.h5`, /stores variable-length string values/],
    ];
    for (const [src, re] of cases) {
      const r = dnd(['info', src, '-n', '2']);
      assert.equal(r.code, 2, `${src}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.equal(r.stdout, '');
    }
  });

  it('a file the user cannot read: exit 2 with "permission denied"', () => {
    // root reads anything (CAP_DAC_OVERRIDE). As root, dnd runs as root without the two
    // capabilities that bypass file permissions (setpriv, an argument array): it still
    // reads the checkout, wherever that is (a clone under /root that another user such as
    // nobody could not even enter), but not a file of mode 000.
    const sub = tempDir('dnd-perm-');
    copyFileSync(`${dir}/f64.h5`, `${sub}/secret.h5`);
    chmodSync(`${sub}/secret.h5`, 0o000);
    const args = [BIN, 'info', `${sub}/secret.h5`];
    const asRoot = process.getuid?.() === 0;
    const drop = '-dac_override,-dac_read_search';
    const r = asRoot
      ? spawnSync('setpriv', ['--inh-caps', drop, '--bounding-set', drop, process.execPath, ...args], { encoding: 'utf8', cwd: sub })
      : spawnSync(process.execPath, args, { encoding: 'utf8', cwd: sub });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /secret\.h5: permission denied/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});

describe('h5py and h5dump read files written by dnd', () => {
  const dir = tempDir();

  it('every dtype, 1-4 ranks, every split: h5py reads exactly the array', () => {
    const dtypes = ['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32'];
    dtypes.forEach((dtype, i) => {
      const n = (i % 4) + 1;
      const split = String(i % 3);
      const file = `${dir}/${dtype}.h5`;
      const r = dndJson<ArrayReport>(['create', 'arange', '5,4,3', '--dtype', dtype, '-n', String(n), '--split', split, '--out', `${file}:/g/a`]);
      assert.deepEqual(r.out, { file, dataset: '/g/a' });
      const back = py<{ shape: number[]; dtype: string; equals_arange: boolean }>('read_back.py', [file, '/g/a', 'arange']);
      assert.deepEqual(back.shape, [5, 4, 3]);
      assert.equal(back.dtype, dtype);
      assert.equal(back.equals_arange, true, `${dtype} n=${n} split=${split}`);
    });
  });

  it('random arrays round-trip: h5py sums what dnd summed; dnd reads back the same checksum', () => {
    const file = `${dir}/r.h5`;
    const made = dndJson<ArrayReport>(['create', 'randn', '40,7', '-n', '3', '--seed', '5', '--dtype', 'float64', '--checksum', '--out', file]);
    const back = py<{ sum: number }>('read_back.py', [file, '/data']);
    assert.ok(Math.abs(back.sum - Number(made.sum ?? NaN)) < 1e-9);
    const again = dndJson<InfoReport>(['info', file, '-n', '4', '--split', '1', '--checksum']);
    assert.equal(again.checksum, made.checksum);
    const bools = dndJson<ArrayReport>(['create', 'randint', '6,2', '--low', '0', '--high', '2', '--dtype', 'bool', '-n', '2', '--out', `${dir}/b.h5`, '--checksum']);
    const bb = py<{ dtype: string; sum: number }>('read_back.py', [`${dir}/b.h5`, '/data']);
    assert.equal(bb.dtype, 'bool');
    assert.equal(bb.sum, bools.sum);
  });

  it('h5dump shows the dataset with its values', () => {
    dndJson(['create', 'arange', '2,3', '-n', '2', '--dtype', 'int32', '--out', `${dir}/d.h5:/v`]);
    const out = h5dump([`${dir}/d.h5`]);
    assert.match(out, /DATASET "v"/);
    assert.match(out, /H5T_STD_I32LE/);
    assert.match(out, /DATASPACE\s+SIMPLE \{ \( 2, 3 \) \/ \( 2, 3 \) \}/);
    assert.match(out, /\(0,0\): 0, 1, 2,\s+\(1,0\): 3, 4, 5/);
  });

  it('never overwrites without --force; adds datasets to an existing file; leaves no temporary files', () => {
    const file = `${dir}/keep.h5`;
    dndJson(['create', 'ones', '4', '-n', '2', '--out', `${file}:/first`]);
    const again = dnd(['create', 'zeros', '4', '-n', '2', '--out', `${file}:/first`]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already has a dataset \/first; use --force/);
    dndJson(['create', 'arange', '3', '-n', '2', '--out', `${file}:/second`]);
    const first = py<{ sum: number }>('read_back.py', [file, '/first']);
    const second = py<{ sum: number }>('read_back.py', [file, '/second']);
    assert.equal(first.sum, 4, 'the first dataset survived');
    assert.equal(second.sum, 3);
    dndJson(['create', 'zeros', '4', '-n', '2', '--out', `${file}:/first`, '--force']);
    assert.equal(py<{ sum: number }>('read_back.py', [file, '/first']).sum, 0);
    const missingDir = dnd(['create', 'zeros', '4', '--out', `${dir}/nope/x.h5`]);
    assert.equal(missingDir.code, 2);
    assert.match(missingDir.stderr, /directory .*nope does not exist/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.dnd-')), [], 'no temporary files left');
    assert.equal(existsSync(`${dir}/nope`), false);
  });
});
