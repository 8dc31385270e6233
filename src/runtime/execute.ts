/**
 * Runs one job on this rank: MPI init, the world-size check, the operation. Used by the
 * rank program the launcher starts, by in-process runs, and by ranks started from
 * outside (`mpiexec -n 4 dnd …`, `srun dnd …`). Never loads oclif.
 */
import { Comm } from '../dnd/comm.js';
import type { JobEnvelope, JobSpec } from './job.js';
import { phaseBegin, phaseEnd } from '../dnd/trace.js';
import { finishRankTrace, startRankTrace, syncClocks } from './trace-rank.js';
import { testFault } from './test-fault.js';
import { stamp } from './timing.js';

/** Thrown when the job was started with the wrong number of ranks. */
export class WorldSizeError extends Error {}

export function checkWorldSize(comm: Comm, expected: number, env: NodeJS.ProcessEnv = process.env): void {
  if (comm.size === expected) return;
  const stepTasks = Number(env.SLURM_STEP_NUM_TASKS ?? 0);
  if (comm.size === 1 && stepTasks > 1) {
    throw new WorldSizeError(
      `srun started ${stepTasks} tasks but MPI sees a world of 1: srun is not starting MPI ranks; try srun --mpi=pmix (see: srun --mpi=list)`,
    );
  }
  // a world of 1 under a launcher of another MPI (e.g. a binding built with MPICH started
  // by Open MPI's mpiexec): each rank is then a singleton
  const hint = comm.size === 1 ? ': is mpiexec from the MPI the binding was built with? (dnd doctor; DND_MPIEXEC chooses mpiexec)' : '';
  throw new WorldSizeError(`the job asked for ${expected} ranks but MPI started ${comm.size}${hint}`);
}

/**
 * The result on rank 0, null on the other ranks. With `envelope.trace`, rank 0's result
 * comes wrapped with every rank's trace (trace-rank.ts), and MPI has ended already.
 */
export async function executeJob(envelope: JobEnvelope): Promise<unknown> {
  if (envelope.trace) startRankTrace();
  const run = await jobCode(envelope.job);
  stamp('rank', 'job code loaded');
  const comm = envelope.solo ? Comm.solo() : Comm.world();
  stamp('rank', 'MPI up');
  checkWorldSize(comm, envelope.nprocs);
  if (envelope.trace) syncClocks(comm);
  testFault('start', comm.rank);
  if (!envelope.trace) {
    const result = await run(comm);
    stamp('rank', 'job done');
    return result;
  }
  phaseBegin('job', { op: envelope.job.op });
  const result = await run(comm);
  phaseEnd();
  return finishRankTrace(comm, envelope.job.op, result);
}

/**
 * The code of one job, loaded only by the jobs that run it: a rank of `create` does not
 * parse the script runner (acorn), the file code or the watchdog, which was a third of
 * a rank's start (bench/RESULTS.md, where launch time goes).
 */
async function jobCode(job: JobSpec): Promise<(comm: Comm) => unknown> {
  switch (job.op) {
    case 'create': {
      const { runCreate } = await import('./jobs/create.js');
      return (comm) => runCreate(job, comm);
    }
    case 'chunk': {
      const { runChunk } = await import('./jobs/chunk.js');
      return (comm) => runChunk(job, comm);
    }
    case 'resplit':
    case 'redistribute': {
      const { runMove } = await import('./jobs/move.js');
      return (comm) => runMove(job, comm);
    }
    case 'info': {
      const { runInfo } = await import('./jobs/info.js');
      return (comm) => runInfo(job, comm);
    }
    case 'hello': {
      const { runHello } = await import('./jobs/hello.js');
      return (comm) => runHello(comm);
    }
    case 'run': {
      const { runScript } = await import('./jobs/run.js');
      return (comm) => runScript(job, comm);
    }
    case 'px': {
      const { runPx } = await import('./jobs/px.js');
      return (comm) => runPx(job, comm);
    }
  }
}
