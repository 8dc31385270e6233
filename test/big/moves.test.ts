/**
 * The big group: the library's moves above 2^31 between one pair of ranks, through
 * `dnd run` (test/mpi/big-moves.mjs), values checked on every rank afterwards.
 * - redistribute of issue 19's float32 1073750 x 1000 to [0, all] (2,147,500,000 bytes from
 *   rank 0 to rank 1; the receiving block is 4.3 GB, above Node's 4 GiB external-buffer
 *   limit that crashed the old allocator), then back to balanced, where rank 1 keeps its
 *   block as a view instead of allocating;
 * - resplit to none of a uint8 array whose rank 0 sends 2^31 + 131072 elements (and
 *   bytes) to rank 1 as one subarray box (MPI_Alltoallw).
 * Peak about 8.6 GB.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dnd } from '../helpers/run.js';

interface Checked {
  bad: number;
  checked: number;
  first: unknown;
}

function run(section: string): Record<string, Checked & Record<string, unknown>> {
  const r = dnd(['run', 'test/mpi/big-moves.mjs', '-n', '2', '--quiet', '--', section], { timeoutMs: 600000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, Checked & Record<string, unknown>>;
}

describe('moves above 2^31 between one pair (2 ranks)', () => {
  it('redistribute 1073750 x 1000 float32 to [0, all] and back: every value in place, the shrinking rank keeps its block', () => {
    const out = run('redistribute');
    assert.equal(out.to_one.method, 'alltoallv');
    assert.deepEqual(out.to_one.lshape_map, [[0, 1000], [1073750, 1000]]);
    assert.equal(out.to_one.bad, 0, JSON.stringify(out.to_one.first));
    assert.ok(out.to_one.checked > 250000);
    assert.deepEqual(out.back.lshape_map, [[536875, 1000], [536875, 1000]]);
    assert.equal(out.back.bad, 0, JSON.stringify(out.back.first));
    // rank 0 had nothing and gets a new block; rank 1's new block is a run of its old one
    assert.deepEqual(out.back.kept, [false, true]);
  });

  it('resplit to none with a 2^31 + 131072-element uint8 box between the pair: every value in place', () => {
    const out = run('resplit');
    assert.equal(out.resplit.method, 'alltoallw');
    assert.equal(out.resplit.sent, 65536 * 32770);
    assert.deepEqual(out.resplit.lshape, [65536, 32772]);
    assert.equal(out.resplit.bad, 0, JSON.stringify(out.resplit.first));
    assert.ok(out.resplit.checked > 1000000);
  });
});
