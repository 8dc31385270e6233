/** What a px cell or a `dnd run` script finds ready: the library and its communicator. */
import { Comm } from '../../dnd/comm.js';
import { scriptSite } from '../call-site.js';

/** A script called process.exit() on a rank: that would leave the others stranded in MPI. */
export class ScriptExitError extends Error {
  constructor(code: unknown, site: string) {
    super(`the script called process.exit(${code === undefined ? '' : String(code)}) at ${site}: a rank cannot leave the job alone (end a script by returning from it; throw to fail the job)`);
    this.name = 'ScriptExitError';
  }
}

export async function installSessionGlobals(target: Record<string, unknown>, comm: Comm): Promise<void> {
  // the job still gathers results after the user's code: its finalize() must wait for that
  Comm.manage();
  // imported here, not at the top: only sessions need the whole library object
  const dnd = await import('../../index.js');
  Object.assign(target, { dnd, comm, rank: comm.rank, size: comm.size });
  // process.exit() skips MPI_Finalize and leaves the other ranks waiting for this one:
  // it becomes an error naming this rank (dnd's own code keeps the original)
  process.exit = ((code?: unknown) => {
    throw new ScriptExitError(code, scriptSite());
  }) as typeof process.exit;
}
