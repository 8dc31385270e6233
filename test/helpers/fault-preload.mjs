/**
 * Test-only fault injection, loaded with NODE_OPTIONS=--import (see faultEnv in run.ts)
 * into dnd and, through mpiexec's environment, into every rank. It fills the hook that
 * src/runtime/test-fault.ts calls at its fault points:
 *
 *   DND_TEST_FAULT="rank=1,at=op,do=throw"                          rank 1 throws
 *   DND_TEST_FAULT="rank=all,at=start,do=sleep:30,pidfile=/tmp/p"   every rank sleeps
 *
 *   DND_TEST_FAULT="rank=1,at=moved,do=corrupt"                     rank 1 flips a bit of
 *                                                                   its block after a move
 *
 * at: start (after MPI init), op (before the data moves; in info, after the load), moved (after it moved),
 * write (before HDF5 output), commit (rank 0, the file complete, before it is put in place). do: throw | exit (exit 7 without MPI_Abort) |
 * sleep:SECONDS | corrupt (moved only) | truncate (empties the file named by path=, as
 * another program rewriting it would). pidfile: the rank writes its pid there (suffixed
 * with .RANK) before acting.
 */
import fs, { truncateSync, writeFileSync } from 'node:fs';

// DND_TEST_FSYNC_LOG=FILE: every fsyncSync of this process appends the synced path to FILE
// (what a durable write syncs, without MPI: test/e2e/solo.test.ts)
if (process.env.DND_TEST_FSYNC_LOG) {
  const log = process.env.DND_TEST_FSYNC_LOG;
  const real = fs.fsyncSync;
  fs.fsyncSync = (fd) => {
    real(fd);
    fs.appendFileSync(log, `${fs.readlinkSync(`/proc/self/fd/${fd}`)}\n`);
  };
}

const spec = process.env.DND_TEST_FAULT;
if (spec) {
  const f = Object.fromEntries(spec.split(',').map((kv) => kv.split('=', 2)));
  globalThis[Symbol.for('dnd.test.faultHook')] = (at, rank, block) => {
    if (f.at !== at) return;
    if (f.rank !== 'all' && Number(f.rank) !== rank) return;
    if (f.pidfile) writeFileSync(`${f.pidfile}.${rank}`, String(process.pid));
    const action = f.do ?? 'throw';
    if (action === 'corrupt') {
      if (block && block.byteLength > 0) new Uint8Array(block.buffer, block.byteOffset, 1)[0] ^= 1;
      return;
    }
    if (action === 'truncate') {
      truncateSync(f.path, 0);
      return;
    }
    if (action === 'throw') throw new Error(`injected fault at ${at} (DND_TEST_FAULT)`);
    if (action === 'exit') process.exit(7);
    const sleep = /^sleep:(\d+(?:\.\d+)?)$/.exec(action);
    if (sleep) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(sleep[1]) * 1000);
  };
}
