/**
 * The big group: HDF5 transfers of more than 2 GiB on one rank, collective and
 * independent, written and read by dnd's binding (test/mpi/big-ranks.mjs) and read back
 * by h5py. The file goes to /dev/shm when it has room: the large-count handling is in
 * HDF5 and MPI-IO, not the disk, and a 4.3 GB write to a shared disk would dominate the
 * group's time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { py } from '../helpers/files.js';
import { mpiEnv, ROOT } from '../helpers/run.js';

function roomyDir(): string {
  let base = tmpdir();
  try {
    const s = statfsSync('/dev/shm');
    if (s.bavail * s.bsize > 6 * 2 ** 30) base = '/dev/shm';
  } catch {
    // no /dev/shm: the temporary directory
  }
  const dir = mkdtempSync(join(base, 'dnd-big-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('HDF5 above 2 GiB per rank (2 ranks)', () => {
  it('collective and independent writes and reads of 2^31 + 4096 bytes are exact, and h5py agrees', () => {
    const file = join(roomyDir(), 'big.h5');
    const env = { ...mpiEnv(), OMPI_MCA_io: process.env.OMPI_MCA_io ?? 'romio321' };
    const r = spawnSync('mpiexec', ['-n', '2', process.execPath, `${ROOT}test/mpi/big-ranks.mjs`, 'hdf5', file], { encoding: 'utf8', env, timeout: 600000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, { ok: boolean }>;
    assert.equal(out.read_collective.ok, true, JSON.stringify(out));
    assert.equal(out.read_independent.ok, true, JSON.stringify(out));
    const back = py<Record<string, { shape: number[]; dtype: string; rows_read: number; bad: number }>>('big_pattern.py', [file, '/collective', '/independent']);
    for (const name of ['/collective', '/independent']) {
      assert.deepEqual(back[name].shape, [2 ** 19 + 4, 1024], name);
      assert.equal(back[name].dtype, 'float32');
      assert.ok(back[name].rows_read > 5000);
      assert.equal(back[name].bad, 0, name);
    }
  });
});
