/**
 * A rank's link to dnd's launcher: when the launcher is gone, the job ends, on every host.
 *
 * - Rank 0 reads its stdin. mpiexec forwards its own stdin — a pipe that only the
 *   launcher holds — to rank 0 wherever it runs, so end-of-file means the launcher died
 *   (even by SIGKILL) or closed it. PIDs mean nothing across hosts; this works anywhere.
 * - Every rank watches its parent, the local MPI daemon (mpiexec or orted): when it is
 *   gone the rank is an orphan that nobody would ever stop.
 * Either way the rank kills itself with SIGKILL: that cannot hang, and mpiexec (if still
 * there) sees a rank die and stops all the others. Ranks' other stdin is /dev/null.
 */
import { writeSync } from 'node:fs';
import { loadNative } from '../native/index.js';

/** Ends this rank at once; mpiexec then ends the others. */
export function launcherGone(rank: number, why: string): never {
  try {
    writeSync(2, `dnd rank ${rank}: ${why}; ending the job\n`);
  } catch {
    // nobody is listening any more
  }
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/** Polls the parent every `everyMs`; the timer does not keep the rank alive. */
export function watchParent(rank: number, everyMs = 500): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) launcherGone(rank, 'its MPI daemon is gone');
  }, everyMs).unref();
}

/**
 * mpiexec closes rank 0's stdin as well when it ends a job in which a rank failed, and
 * ends rank 0 right after: within this time, that failure is what gets reported.
 */
export const LINK_GRACE_MS = 1000;

/**
 * Rank 0: end-of-file (or an error) on stdin means the launcher is gone. Watched by a
 * thread of the binding (src/native/lifeline.cc), which ends the rank LINK_GRACE_MS later
 * even while this thread is busy in a collective or a synchronous script.
 */
export function watchStdin(rank: number): void {
  loadNative().watchLifeline(0, `dnd rank ${rank}: the dnd launcher is gone (its link closed); ending the job\n`, LINK_GRACE_MS);
}
