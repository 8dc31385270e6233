/** `dnd doctor`'s live check: every rank says who it is; rank 0 collects. */
import type { Comm } from '../../dnd/comm.js';

export interface HelloReport {
  size: number;
  ranks: { rank: number; host: string; pid: number }[];
  threadLevel: number;
  allreduceOk: boolean;
}

export function runHello(comm: Comm): HelloReport | null {
  const sum = comm.allreduceNumber(comm.rank + 1, 'sum');
  const ok = sum === (comm.size * (comm.size + 1)) / 2;
  const ranks = comm.gatherJSON({ rank: comm.rank, host: comm.host(), pid: process.pid }, 0);
  if (!ranks) return null;
  return { size: comm.size, ranks, threadLevel: 0, allreduceOk: ok };
}
