/**
 * `dnd chunk`: which rank gets which slice. Computed on the launcher with the same pure
 * function the ranks use (works on a login node where mpirun is not allowed); with
 * --launch every rank computes its own chunk inside a real job and the launcher checks
 * that they agree.
 */
import type { Comm } from '../../dnd/comm.js';
import { chunk, countsDispls, sameShape, type Split } from '../../dnd/layout.js';
import type { ChunkJob } from '../job.js';

export interface ChunkRank {
  rank: number;
  offset: number;
  lshape: number[];
  slices: [number, number][];
  host?: string;
}

export interface ChunkReport {
  command: 'chunk';
  gshape: number[];
  split: number | null;
  nprocs: number;
  lshape_map: number[][];
  counts: number[] | null;
  displs: number[] | null;
  ranks: ChunkRank[];
  /** true when the ranks of a real job computed and confirmed it (--launch) */
  launched: boolean;
}

/** Pure: the plan for `size` ranks. */
export function planChunks(gshape: number[], split: Split, size: number): ChunkReport {
  const ranks = Array.from({ length: size }, (_, p) => ({ rank: p, ...chunk(gshape, split, p, size) }));
  const lshapeMap = ranks.map((r) => r.lshape);
  const cd = split === null ? null : countsDispls(lshapeMap, split);
  return {
    command: 'chunk',
    gshape,
    split,
    nprocs: size,
    lshape_map: lshapeMap,
    counts: cd ? cd.counts : null,
    displs: cd ? cd.displs : null,
    ranks,
    launched: false,
  };
}

/** On every rank: compute my chunk, compare with the launcher's plan, gather to rank 0. */
export function runChunk(job: ChunkJob, comm: Comm): ChunkReport | null {
  const mine = chunk(job.gshape, job.split, comm.rank, comm.size);
  const want = job.expected[comm.rank];
  const agrees = want !== undefined && want.offset === mine.offset && sameShape(want.lshape, mine.lshape);
  const all = comm.gatherJSON({ rank: comm.rank, host: comm.host(), ...mine, agrees }, 0);
  if (!all) return null;
  const bad = all.filter((r) => !r.agrees);
  if (bad.length > 0) {
    const r = bad[0];
    throw new Error(`rank ${r.rank} computed offset ${r.offset} lshape ${JSON.stringify(r.lshape)}, but the launcher planned ${JSON.stringify(job.expected[r.rank])}`);
  }
  const plan = planChunks(job.gshape, job.split, comm.size);
  plan.ranks = all.map(({ rank, host, offset, lshape, slices }) => ({ rank, host, offset, lshape, slices }));
  plan.launched = true;
  return plan;
}
