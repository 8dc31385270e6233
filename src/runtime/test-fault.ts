/**
 * Fault points: the places in a job where dnd's own failure tests provoke a fault on a
 * chosen rank of a real job (a rank throws, exits, sleeps, is killed mid-operation).
 *
 * Production code only asks whether a hook is installed. The hook lives in
 * test/helpers/fault-preload.mjs, outside dist/ and outside the package; the tests load
 * it into the launcher and every rank with NODE_OPTIONS=--import. Nothing here reads the
 * environment, so no variable alone can make a production run sleep, exit or write files.
 */
/** start: after MPI init; op: before the data moves; moved: after it moved (the block is passed); write: before HDF5 output; commit: rank 0, the file complete, before it is put in place */
export type FaultPoint = 'start' | 'op' | 'moved' | 'write' | 'commit';

type FaultHook = (at: FaultPoint, rank: number, block?: ArrayBufferView) => void;

/** The global slot the preload fills (a registered symbol: the same in every module copy). */
const HOOK = Symbol.for('dnd.test.faultHook');

export function testFault(at: FaultPoint, rank: number, block?: ArrayBufferView): void {
  const hook = (globalThis as Record<symbol, FaultHook | undefined>)[HOOK];
  if (hook) hook(at, rank, block);
}
