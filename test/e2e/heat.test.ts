/**
 * dnd as a Heat user expects it: Heat's walkthrough as one `dnd run` script, checked
 * against the values Heat's documentation shows for randn(7, 4, 3, split=0) on 4
 * ranks; and the README's hello both under `dnd run` and a plain `mpiexec … node`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { dnd, mpiEnv, ROOT } from '../helpers/run.js';

describe('for Heat users', () => {
  it("Heat's walkthrough on 4 ranks gives Heat's documented values", () => {
    const r = dnd(['run', `${ROOT}examples/scripts/heat-walkthrough.mjs`, '-n', '4']);
    assert.equal(r.code, 0, r.stderr);
    const w = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{'))[0]);
    // >>> a = ht.random.randn(7, 4, 3, split=0); a.lshape_map
    assert.deepEqual(w.lshapeMap, [[2, 4, 3], [2, 4, 3], [2, 4, 3], [1, 4, 3]]);
    // >>> a.counts_displs()  ->  ((2, 2, 2, 1), (0, 2, 4, 6))
    assert.deepEqual([w.counts, w.displs], [[2, 2, 2, 1], [0, 2, 4, 6]]);
    assert.equal(w.isSplit, 0);
    assert.equal(w.isDistributed, true);
    assert.equal(w.balanced, true);
    // >>> a.comm.chunk((7, 4, 3), 0, rank=3)  ->  (6, (1, 4, 3), (slice(6, 7), slice(0, 4), slice(0, 3)))
    assert.deepEqual(w.chunk, [6, [1, 4, 3], [[6, 7], [0, 4], [0, 3]]]);
    // size is Heat's: 7*4*3 elements; nbytes global, lnbytes per rank (float32)
    assert.equal(w.size, 84);
    assert.equal(w.ranks, 4);
    assert.equal(w.nbytes, 336);
    assert.deepEqual(w.lnbytes, [96, 96, 96, 48]);
    // redistribute_ to a target map: everything on rank 0
    assert.deepEqual(w.movedMap, [[7, 4, 3], [0, 4, 3], [0, 4, 3], [0, 4, 3]]);
    assert.equal(w.movedBalanced, false);
    // resplit(a, 1): 4 columns over 4 ranks; resplit(a, None): everyone holds (7, 4, 3)
    assert.deepEqual(w.resplit1, { split: 1, lshapeMap: [[7, 1, 3], [7, 1, 3], [7, 1, 3], [7, 1, 3]] });
    assert.deepEqual(w.resplitNone, { split: null, lshapeMap: [[7, 4, 3], [7, 4, 3], [7, 4, 3], [7, 4, 3]] });
    assert.equal(w.text, 'DNDarray(gshape=(7, 4, 3), dtype=float32, split=0) [0/4] lshape=(2, 4, 3)');
  });

  it("the README's hello runs under dnd run and under a plain mpiexec, finalize() included", () => {
    const script = `${ROOT}examples/scripts/hello.mjs`;
    const viaRun = dnd(['run', script, '-n', '4']);
    assert.equal(viaRun.code, 0, viaRun.stderr);
    const plain = spawnSync('mpiexec', ['-n', '4', process.execPath, script], { encoding: 'utf8', env: mpiEnv(), cwd: ROOT, timeout: 60000 });
    assert.equal(plain.status, 0, plain.stderr);
    for (const out of [viaRun.stdout, plain.stdout]) {
      for (let p = 0; p < 4; p++) {
        const lrows = p < 3 ? 2 : 1;
        assert.match(out, new RegExp(`\\[${p}/4\\] DNDarray\\(gshape=\\(7, 4, 3\\), dtype=float32, split=0\\) \\[${p}/4\\] lshape=\\(${lrows}, 4, 3\\) \\[\\[2,4,3\\],\\[2,4,3\\],\\[2,4,3\\],\\[1,4,3\\]\\]`));
      }
    }
  });

  it('a plain script that throws on one rank ends every rank with its message, no hang', () => {
    const code = "import * as dnd from '@dnd-hpc/dnd';\nconst c = dnd.Comm.world();\nif (c.rank === 1) throw new Error('boom');\nc.barrier();\n";
    const r = spawnSync('mpiexec', ['-n', '3', process.execPath, '--input-type=module', '-e', code], { encoding: 'utf8', env: mpiEnv(), cwd: ROOT, timeout: 60000 });
    assert.notEqual(r.status, 0);
    assert.equal(r.signal, null, 'ended by itself, not by the test timeout');
    assert.match(r.stderr, /boom/);
  });
});
