/**
 * The big group (scripts/test.sh runs it last, one file at a time): the binding's
 * collectives with more than 2^31 bytes between one pair of ranks, values checked on the
 * receiving side (test/mpi/big-ranks.mjs). About 4.3 GB per rank, 2 ranks.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { mpiEnv, ROOT } from '../helpers/run.js';

describe('collectives above 2^31 bytes between one pair (2 ranks)', () => {
  it('bcast, alltoallv (unit and odd counts), allgatherv, gatherv move every byte to its place', () => {
    const r = spawnSync('mpiexec', ['-n', '2', process.execPath, `${ROOT}test/mpi/big-ranks.mjs`, 'collectives'], { encoding: 'utf8', env: mpiEnv(), timeout: 600000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, { ok: boolean; bad?: number; first?: unknown }>;
    assert.deepEqual(Object.keys(out), ['bcast', 'alltoallv_unit', 'alltoallv_odd', 'allgatherv_unit', 'gatherv_odd']);
    for (const [name, v] of Object.entries(out)) assert.equal(v.ok, true, `${name}: ${JSON.stringify(v)}`);
  });
});
