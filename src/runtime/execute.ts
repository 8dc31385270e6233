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
import { runChunk } from './jobs/chunk.js';
import { runCreate } from './jobs/create.js';
import { runHello } from './jobs/hello.js';
import { runInfo } from './jobs/info.js';
import { runMove } from './jobs/move.js';
import { runScript } from './jobs/run.js';
import { runPx } from './jobs/px.js';

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
  const comm = Comm.world();
  checkWorldSize(comm, envelope.nprocs);
  if (envelope.trace) syncClocks(comm);
  testFault('start', comm.rank);
  if (!envelope.trace) return runOp(envelope.job, comm);
  phaseBegin('job', { op: envelope.job.op });
  const result = await runOp(envelope.job, comm);
  phaseEnd();
  return finishRankTrace(comm, envelope.job.op, result);
}

function runOp(job: JobSpec, comm: Comm): unknown {
  switch (job.op) {
    case 'create':
      return runCreate(job, comm);
    case 'chunk':
      return runChunk(job, comm);
    case 'resplit':
    case 'redistribute':
      return runMove(job, comm);
    case 'info':
      return runInfo(job, comm);
    case 'hello':
      return runHello(comm);
    case 'run':
      return runScript(job, comm);
    case 'px':
      return runPx(job, comm);
  }
}
