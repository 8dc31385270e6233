/**
 * How many ranks this machine or allocation can hold, checked before launch so that a typo
 * like `-n 10000` is refused in a line instead of starting ten thousand Node processes.
 *
 * Slots are the cores here, or the allocation's tasks inside Slurm. Up to twice the cores
 * (at least 4) run without asking: dnd's ranks spend much of their time waiting on each
 * other, and four ranks on a two-core laptop is the usual way to try a layout. More needs
 * `--oversubscribe`; inside an allocation, more than its tasks needs it too (srun would
 * otherwise wait forever for CPUs). Even then the ranks must fit in memory, about
 * RANK_BYTES each. A hostfile (OMPI_MCA_orte_default_hostfile) leaves slots to mpiexec,
 * whose own message is shown whole when it refuses.
 */
import { availableParallelism } from 'node:os';
import { usageError } from '../dnd/errors.js';
import { inSlurmAllocation, type Env } from './detect.js';
import { availableMemory } from './memory-check.js';

/** A Node rank with MPI and the library loaded: about 60 MB resident here; rounded up. */
export const RANK_BYTES = 96 * 2 ** 20;

export interface SlotPlan {
  /** ranks beyond the slots: tell the launcher to allow them */
  oversubscribed: boolean;
}

function gib(n: number): string {
  return `${(n / 2 ** 30).toFixed(1)} GiB`;
}

export function checkSlots(nprocs: number, oversubscribe: boolean, env: Env = process.env, cores = availableParallelism()): SlotPlan {
  const local = !inSlurmAllocation(env);
  // a hostfile: mpiexec counts the slots of its hosts, and says so in full when short
  if (env.OMPI_MCA_orte_default_hostfile) return { oversubscribed: oversubscribe };
  if (!local) {
    const tasks = Number(env.SLURM_NTASKS ?? env.SLURM_NPROCS ?? 0);
    if (tasks > 0 && nprocs > tasks && !oversubscribe) {
      throw usageError(`-n ${nprocs} is more than the ${tasks} task(s) of Slurm allocation ${env.SLURM_JOB_ID}: ask for more tasks (sbatch/salloc -n), or pass --oversubscribe to run ${nprocs} ranks on them anyway`);
    }
    return { oversubscribed: nprocs > tasks && tasks > 0 };
  }
  const allowed = Math.max(4, 2 * cores);
  if (nprocs > allowed && !oversubscribe && env.OMPI_MCA_rmaps_base_oversubscribe !== '1') {
    throw usageError(`-n ${nprocs} is more than this machine can hold: it has ${cores} core(s), and up to ${allowed} ranks run without asking; pass --oversubscribe to start ${nprocs} ranks anyway`);
  }
  const needed = nprocs * RANK_BYTES;
  if (needed > availableMemory()) {
    throw usageError(`-n ${nprocs} ranks need about ${gib(needed)} of memory (${RANK_BYTES / 2 ** 20} MiB per rank) but this machine has ${gib(availableMemory())} available`);
  }
  return { oversubscribed: nprocs > cores };
}
