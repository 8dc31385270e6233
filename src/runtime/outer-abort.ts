/**
 * A rank of an outside launcher (srun, mpiexec of a batch script) that fails before the
 * job starts — e.g. it finds the --out target locked, or a file its host cannot see — ends
 * alone, while the other ranks are already in MPI_Init or past it, waiting for it forever:
 * srun does not end a step when one task exits (unless --kill-on-bad-exit). Joining MPI
 * just to abort ends them all with dnd's exit code. After MPI was finalized there is
 * nothing to join (and nobody waits for this rank): then this does nothing.
 */
import { Comm } from '../dnd/comm.js';

export function abortOuterJob(code: number): void {
  let world: Comm;
  try {
    world = Comm.world(); // MPI_Init here if this rank failed before the job
  } catch {
    return; // finalized already, or no binding: nothing to join
  }
  world.abort(code);
}
