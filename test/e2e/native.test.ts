/** The mpi-napi binding on real ranks: errors as exceptions, collectives, memory (counts above 2^31: test/big/). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { release } from 'node:os';
import { describe, it } from 'node:test';
import { mpiEnv, ROOT } from '../helpers/run.js';

function ranks(n: number, env: Record<string, string> = {}): Record<string, unknown> {
  const r = spawnSync('mpiexec', ['-n', String(n), process.execPath, `${ROOT}test/mpi/native-ranks.mjs`], {
    encoding: 'utf8',
    env: { ...mpiEnv(), ...env },
    timeout: 300000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
}

describe('mpi-napi on real ranks', () => {
  for (const n of [1, 2, 3]) {
    it(`n=${n}: MPI errors are exceptions with MPI's message; allreduce and alltoallv are right`, () => {
      const out = ranks(n) as {
        size: number;
        badRoot: { isNative: boolean; code: string; message: string; mpiErrorClass: number; rank: number };
        allreduce: { sum: number[]; max: number };
        alltoallvOk: boolean;
      };
      assert.equal(out.size, n);
      assert.equal(out.badRoot.isNative, true);
      assert.equal(out.badRoot.code, 'EMPI');
      assert.match(out.badRoot.message, /^MPI_Bcast: .*root/i);
      assert.equal(out.badRoot.rank, 0);
      assert.equal(typeof out.badRoot.mpiErrorClass, 'number');
      assert.deepEqual(out.allreduce.sum, [n * 0.5 + (n * (n - 1)) / 2, 0 - (n * (n - 1)) / 2 + 0]);
      assert.equal(out.allreduce.max, n - 1);
      assert.equal(out.alltoallvOk, true);
      assert.deepEqual((out as unknown as { release: unknown }).release, { first: true, second: false, viewLength: 0, read: true });
      assert.deepEqual((out as unknown as { prefault: unknown }).prefault, { coveredAll: true, zeros: true, refused: true });
      // collapse keeps every value; what it reports is what the kernel did (AnonHugePages grew
      // by it), and a kernel that has MADV_COLLAPSE (Linux 6.1) and huge pages at all does it
      const c = (out as unknown as { collapse: { done: number; gained: number; same: boolean; refused: boolean; thp: string } }).collapse;
      assert.equal(c.same, true);
      assert.equal(c.refused, true);
      assert.equal(c.gained, c.done);
      const [major, minor] = release().split('.').map(Number);
      if (c.thp !== 'never' && (major > 6 || (major === 6 && minor >= 1))) assert.equal(c.done, 8 << 20);
    });
  }
});
