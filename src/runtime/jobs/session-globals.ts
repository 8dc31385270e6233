/** What a px cell or a `dnd run` script finds ready: the library and its communicator. */
import type { Comm } from '../../dnd/comm.js';

export async function installSessionGlobals(target: Record<string, unknown>, comm: Comm): Promise<void> {
  // imported here, not at the top: only sessions need the whole library object
  const dnd = await import('../../index.js');
  Object.assign(target, { dnd, comm, rank: comm.rank, size: comm.size });
}
