/**
 * Fault injection for dnd's own failure tests (test/e2e/failures.test.ts), so that
 * "a rank throws", "a rank hangs" or "a rank is killed mid-operation" can be provoked on
 * a chosen rank of a real job. Does nothing unless DND_TEST_FAULT is set:
 *
 *   DND_TEST_FAULT="rank=1,at=op,do=throw"          rank 1 throws before the operation
 *   DND_TEST_FAULT="rank=all,at=start,do=sleep:30,pidfile=/tmp/p"   every rank sleeps
 *
 * at: start (after MPI init), op (before the data moves), write (before HDF5 output).
 * do: throw | exit (exit 7 without MPI_Abort) | sleep:SECONDS. pidfile: rank writes
 * its pid there (suffixed with .RANK) before acting.
 *
 *   DND_TEST_FAULT="rank=1,at=moved,do=corrupt"     rank 1 flips a bit of its block
 *                                                   after a resplit/redistribute
 */
import { writeFileSync } from 'node:fs';

export type FaultPoint = 'start' | 'op' | 'write';

export function testFault(at: FaultPoint, rank: number, spec = process.env.DND_TEST_FAULT): void {
  if (!spec) return;
  const f = Object.fromEntries(spec.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  if (f.at !== at) return;
  if (f.rank !== 'all' && Number(f.rank) !== rank) return;
  if (f.pidfile) writeFileSync(`${f.pidfile}.${rank}`, String(process.pid));
  const action = f.do ?? 'throw';
  if (action === 'throw') throw new Error(`injected fault at ${at} (DND_TEST_FAULT)`);
  if (action === 'exit') process.exit(7);
  const sleep = /^sleep:(\d+(?:\.\d+)?)$/.exec(action);
  if (sleep) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(sleep[1]) * 1000);
}

/** The `at=moved,do=corrupt` fault: flips the lowest bit of this rank's first element. */
export function testCorrupt(rank: number, block: ArrayBufferView, spec = process.env.DND_TEST_FAULT): void {
  if (!spec) return;
  const f = Object.fromEntries(spec.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  if (f.at !== 'moved' || f.do !== 'corrupt') return;
  if (f.rank !== 'all' && Number(f.rank) !== rank) return;
  if (block.byteLength > 0) new Uint8Array(block.buffer, block.byteOffset, 1)[0] ^= 1;
}
