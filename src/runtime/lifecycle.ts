/**
 * One rank's life, the same however the rank was started — by dnd's launcher
 * (rank.ts), in-process as a world of one (launcher.ts), or as one rank of an outside
 * launcher such as `srun dnd …` (cli/base.ts): run the job, finalize MPI; on failure
 * report once, clean up, and end every rank with MPI_Abort(3) so that nobody hangs in a
 * collective. Only how a failure is reported differs, so that is the one parameter.
 */
import { hostname } from 'node:os';
import { Comm } from '../dnd/comm.js';
import { outerRank } from './detect.js';
import { executeJob } from './execute.js';
import { describeFailure, failureOf, JobError } from './failure.js';
import type { JobEnvelope, RankFailure } from './job.js';
import { stamp } from './timing.js';

export interface RankReporting {
  /**
   * tells the user (or the launcher) about this rank's failure, before the job ends;
   * without it (in-process) the returned JobError carries the message to the command
   */
  report?(f: RankFailure, e: unknown): void;
  /** launcher-side clean-up that an outside launcher has no one else to do (temporary output) */
  cleanup?(): void;
}

/** The failure record of this rank: its rank and host from MPI, or from the environment when MPI is what failed. */
export function failureHere(e: unknown): { failure: RankFailure; comm: Comm | null } {
  let comm: Comm | null = null;
  try {
    comm = Comm.started();
  } catch {
    // MPI itself failed: report what the environment says
  }
  const rank = comm?.rank ?? outerRank()?.rank ?? 0;
  let host = hostname();
  try {
    if (comm) host = comm.host();
  } catch {
    // keep the OS host name
  }
  return { failure: failureOf(e, rank, host), comm };
}

/**
 * This rank failed: report, clean up, end every other rank (MPI_Abort, which does not
 * return) when there are others; in a world of one, the JobError to throw (exit 3).
 */
export function rankFailed(e: unknown, how: RankReporting): JobError {
  const { failure, comm } = failureHere(e);
  try {
    how.report?.(failure, e);
  } finally {
    how.cleanup?.();
  }
  if (comm && comm.size > 1) comm.abort(3);
  return new JobError(describeFailure(failure), [failure], Boolean(how.report));
}

/** Runs the job on this rank and finalizes MPI: rank 0's result, null elsewhere. */
export async function runRank<T>(envelope: JobEnvelope, how: RankReporting): Promise<T | null> {
  let result: T | null;
  try {
    result = (await executeJob(envelope)) as T | null;
  } catch (e) {
    throw rankFailed(e, how);
  }
  Comm.finalizeNow();
  stamp('rank', 'MPI finalized');
  return result ?? null;
}
