/**
 * Every storage state HDF5 has, at every rank count: empty arrays (zero extents) written
 * and read, datasets h5py created but never wrote (no storage: fill value only), chunked
 * ones written in part, compact ones; shapes with zero and one extents so that some ranks
 * hold no rows. Values are checked by h5py against the source, element by element.
 */
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { spawnSync } from 'node:child_process';
import { PYTHON, py, tempDir } from '../helpers/files.js';
import { dnd, dndJson } from '../helpers/run.js';
import type { ArrayReport } from '../../src/runtime/report.js';
import type { InfoReport } from '../../src/runtime/jobs/info.js';

interface Case {
  file: string;
  shape: number[];
  storage: string;
}

describe('empty arrays: zero extents are legal everywhere', () => {
  const dir = tempDir();
  it('create zeros 0,3 --out at -n 1..4 is read back by h5py as (0, 3); info reads it', () => {
    for (const n of [1, 2, 3, 4]) {
      const file = `${dir}/e${n}.h5`;
      const split = n === 3 ? '1' : '0';
      const r = dndJson<ArrayReport>(['create', 'zeros', '0,3', '-n', String(n), '--split', split, '--out', file]);
      assert.deepEqual(r.gshape, [0, 3]);
      const back = py<{ shape: number[]; dtype: string }>('read_back.py', [file, '/data']);
      assert.deepEqual(back.shape, [0, 3], `n ${n}`);
      assert.equal(back.dtype, 'float32');
      const info = dndJson<InfoReport>(['info', file, '-n', String(5 - n), '--stats']);
      assert.deepEqual(info.gshape, [0, 3]);
      assert.equal(info.stats?.count, 0);
    }
  });

  it('a (0, 3) dataset h5py wrote (contiguous and chunked) is read at -n 1..4 and written back', () => {
    const file = `${dir}/h5py-empty.h5`;
    spawnSync(PYTHON, ['-c', 'import sys, h5py, numpy as np\nwith h5py.File(sys.argv[1], "w") as f:\n  f["c"] = np.zeros((0, 3), "f8")\n  f.create_dataset("k", data=np.zeros((0, 3), "i4"), chunks=(1, 3), maxshape=(None, 3))', file]);
    for (const n of [1, 2, 3, 4]) {
      for (const ds of ['/c', '/k']) {
        const info = dndJson<InfoReport>(['info', `${file}:${ds}`, '-n', String(n), '--split', n % 2 ? '0' : '1', '--checksum']); // --checksum: read it
        assert.deepEqual(info.gshape, [0, 3], `${ds} n ${n}`);
      }
      dndJson(['redistribute', `${file}:/k`, '--balance', '-n', String(n), '--out', `${dir}/back${n}.h5`]);
      assert.deepEqual(py<{ shape: number[]; dtype: string }>('read_back.py', [`${dir}/back${n}.h5`, '/data']).shape, [0, 3]);
    }
  });
});

describe('property: every shape, rank count, split and storage state reads and writes exactly', () => {
  const dir = tempDir();
  // a fixed seed keeps the suite reproducible; DND_PROPERTY_SEED explores other cases
  const seed = Number(process.env.DND_PROPERTY_SEED ?? 20261125);
  let cases: Case[] = [];
  before(() => {
    cases = py<Case[]>('storage_cases.py', [dir, String(seed), '18']);
  });

  it(`18 random datasets (seed ${seed}): resplit through dnd, compared by h5py`, () => {
    cases.forEach((c, i) => {
      const n = (i % 4) + 1;
      const ndim = c.shape.length;
      const split = i % 5 === 4 ? 'none' : String(i % ndim);
      const axis = i % 3 === 2 ? 'none' : String((i + 1) % ndim);
      const out = `${dir}/out${i}.h5`;
      const what = `seed ${seed} case ${i}: ${c.storage} ${JSON.stringify(c.shape)} -n ${n} --split ${split} --axis ${axis}`;
      const r = dnd(['resplit', c.file, '-n', String(n), '--split', split, '--axis', axis, '--out', out, '--json'], { timeoutMs: 60000 });
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      const same = py<{ same: boolean; why: string }>('same.py', [c.file, '/d', out, '/data']);
      assert.ok(same.same, `${what}: ${same.why}`);
    });
  });

  it('a dataset never written, (1,3) and (1,)*32, on 2 ranks (one holds no rows): the fill value, no hang', () => {
    const file = `${dir}/unwritten.h5`;
    py('make_special.py', [dir]);
    for (const [ds, shape] of [['/u13', [1, 3]], ['/u1x32', Array(32).fill(1)]] as const) {
      const r = dnd(['info', `${file}:${ds}`, '-n', '2', '--stats', '--json'], { timeoutMs: 30000 });
      assert.equal(r.code, 0, `${ds}: ${r.stderr}`);
      const info = JSON.parse(r.stdout) as InfoReport;
      assert.deepEqual(info.gshape, shape);
      assert.equal(info.stats?.min, 2.5, 'the fill value');
      assert.equal(info.stats?.max, 2.5);
    }
  });
});
