/** What a px cell or a `dnd run` script finds ready: the library and its communicator. */
import { Comm } from '../../dnd/comm.js';

export async function installSessionGlobals(target: Record<string, unknown>, comm: Comm): Promise<void> {
  // the job still gathers results after the user's code: its finalize() must wait for that
  Comm.manage();
  // imported here, not at the top: only sessions need the whole library object
  const dnd = await import('../../index.js');
  Object.assign(target, { dnd, comm, rank: comm.rank, size: comm.size });
}
