/** Pure parts of the fault handling: the deadlock verdict, the slot check, long timers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDeadlock } from '../../src/runtime/deadlock.js';
import { longTimeout } from '../../src/runtime/launcher.js';
import { checkSlots } from '../../src/runtime/slots.js';

describe('deadlock verdict', () => {
  it('every rank in the same collective (same count so far) is one slow exchange, not a deadlock', () => {
    assert.equal(describeDeadlock([0, 1, 2].map((rank) => ({ rank, seq: 7, op: 'alltoallv', site: `s.mjs:${rank}` }))), null);
  });
  it('different collectives, or the same one at a different count, is a deadlock naming each group', () => {
    const m = describeDeadlock([
      { rank: 0, host: 'a', seq: 3, op: 'barrier', site: 's.mjs:2', waited: 3.2 },
      { rank: 1, host: 'a', seq: 3, op: 'allreduce', site: 'after the script ended', waited: 3.1 },
      { rank: 2, host: 'a', seq: 3, op: 'allreduce', site: 'after the script ended', waited: 3.4 },
      { rank: 3, host: 'b', seq: 3, op: 'allreduce', site: 'after the script ended', waited: 3.4 },
    ]);
    assert.equal(m, 'deadlock: every rank has waited inside MPI for 3 s with no progress, in different collectives — rank 0 (a) in barrier at s.mjs:2; ranks 1-3 in allreduce after the script ended; every rank was stopped');
    assert.match(describeDeadlock([{ rank: 0, seq: 4, op: 'barrier', site: 'x:1' }, { rank: 1, seq: 5, op: 'barrier', site: 'x:1' }]) ?? '', /ranks 0,1 in barrier at x:1/);
  });
});

describe('slots', () => {
  const local = {};
  it('outside Slurm: up to twice the cores (at least 4) without asking', () => {
    assert.deepEqual(checkSlots(4, false, local, 2), { oversubscribed: true });
    assert.deepEqual(checkSlots(2, false, local, 2), { oversubscribed: false });
    assert.deepEqual(checkSlots(4, false, local, 1), { oversubscribed: true });
    assert.throws(() => checkSlots(5, false, local, 2), /-n 5 is more than this machine can hold: it has 2 core\(s\), and up to 4 ranks run without asking; pass --oversubscribe/);
    assert.deepEqual(checkSlots(5, true, local, 2), { oversubscribed: true });
    assert.deepEqual(checkSlots(5, false, { OMPI_MCA_rmaps_base_oversubscribe: '1' }, 2), { oversubscribed: true }, 'asked for through Open MPI itself');
  });
  it('inside an allocation: its tasks; a hostfile leaves slots to mpiexec', () => {
    const slurm = { SLURM_JOB_ID: '42', SLURM_NTASKS: '2' };
    assert.deepEqual(checkSlots(2, false, slurm, 64), { oversubscribed: false });
    assert.throws(() => checkSlots(3, false, slurm, 64), /-n 3 is more than the 2 task\(s\) of Slurm allocation 42: .*--oversubscribe/);
    assert.deepEqual(checkSlots(3, true, slurm, 64), { oversubscribed: true });
    assert.deepEqual(checkSlots(100, false, { OMPI_MCA_orte_default_hostfile: '/h' }, 2), { oversubscribed: false });
  });
  it('never more ranks than memory holds, even when asked', () => {
    assert.throws(() => checkSlots(10_000_000, true, local, 2), /ranks need about .* GiB of memory/);
  });
});

describe('long timers', () => {
  it('a delay beyond setTimeout\'s 2^31-1 ms does not fire at once', async () => {
    let fired = false;
    const cancel = longTimeout(3_000_000_000, () => (fired = true));
    await new Promise((r) => setTimeout(r, 50));
    cancel();
    assert.equal(fired, false);
    let soon = false;
    longTimeout(10, () => (soon = true));
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(soon, true);
  });
});
