/**
 * A write maps its source block for reading in one call first (src/dnd/io.ts,
 * MADV_POPULATE_READ in src/native/memory.cc): a block that was never touched (`zeros`:
 * fresh pages, left as they are) is written without a page fault per page. The
 * file must hold exactly what the block holds, read back by h5py, on 1-3 ranks, including
 * ranks without rows and a block that was touched.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dndJson } from '../helpers/run.js';
import { PYTHON, tempDir } from '../helpers/files.js';

function summary(file: string, dataset: string): { shape: number[]; dtype: string; nonzero: number; sum: number } {
  const code = 'import sys, json, h5py, numpy as np\nwith h5py.File(sys.argv[1], "r") as f:\n  d = f[sys.argv[2]][()]\nprint(json.dumps({"shape": list(d.shape), "dtype": str(d.dtype), "nonzero": int(np.count_nonzero(d)), "sum": float(d.astype(np.float64).sum())}))';
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OMPI_') || k.startsWith('PMIX_')) delete env[k];
  return JSON.parse(execFileSync(PYTHON, ['-c', code, file, dataset], { encoding: 'utf8', env })) as ReturnType<typeof summary>;
}

describe('writes from blocks that were never touched', () => {
  it('zeros of 8 MiB and more per rank, on 1-3 ranks (and --counts with an empty rank): all zeros in the file', () => {
    const dir = tempDir();
    for (const [n, extra] of [[1, []], [2, []], [3, ['--counts', '2048,0,2048']]] as const) {
      const file = join(dir, `z${n}.h5`);
      dndJson(['create', 'zeros', '4096,1024', '-n', String(n), '--out', `${file}:/z`, ...extra]);
      assert.deepEqual(summary(file, '/z'), { shape: [4096, 1024], dtype: 'float32', nonzero: 0, sum: 0 });
      dndJson(['create', 'zeros', '1024,2048', '--dtype', 'float64', '--split', '1', '-n', String(n), '--out', `${file}:/y`, '--no-fsync']);
      assert.deepEqual(summary(file, '/y'), { shape: [1024, 2048], dtype: 'float64', nonzero: 0, sum: 0 });
    }
  });

  it('a touched block beside it (ones, arange) is written exactly', () => {
    const dir = tempDir();
    const file = join(dir, 'o.h5');
    dndJson(['create', 'ones', '4096,1024', '-n', '2', '--out', `${file}:/o`]);
    assert.deepEqual(summary(file, '/o'), { shape: [4096, 1024], dtype: 'float32', nonzero: 4096 * 1024, sum: 4096 * 1024 });
    dndJson(['create', 'arange', '3000,700', '--dtype', 'int64', '-n', '3', '--out', `${file}:/a`]);
    const n = 3000 * 700;
    assert.deepEqual(summary(file, '/a'), { shape: [3000, 700], dtype: 'int64', nonzero: n - 1, sum: (n * (n - 1)) / 2 });
  });
});
