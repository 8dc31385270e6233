/**
 * How a split cuts a dataset's HDF5 chunks (pure math, no I/O).
 *
 * HDF5 reads, and decompresses, whole chunks. Along the split axis a chunk of extent c
 * covers rows [k·c, min((k+1)·c, n)). The chunk is *cut* when a boundary between two
 * ranks' rows lies strictly inside that range: two or more ranks then read parts of it,
 * and each of them reads (and decompresses) the whole chunk. Chunks tile the other axes
 * too, but ranks hold those axes whole, so only the split axis decides.
 *
 * The rule `dnd info` warns by: the split cuts *every* chunk (every chunk is shared by
 * several ranks; e.g. one chunk spans the whole split axis and two ranks or more hold
 * rows). It then names the axis whose balanced split cuts the smallest fraction of its
 * chunks (ties: more chunks along that axis, then the lower axis), if any cuts fewer
 * than all of them.
 */
import { chunkRows } from './layout.js';

export interface ChunkCuts {
  /** chunks along the axis (ceil(n / c); 0 for an empty axis) */
  chunks: number;
  /** how many of them a boundary between ranks falls strictly inside */
  cut: number;
}

/** How rows per rank `counts` (in rank order) cut the chunks of extent `c` of an axis of `n` rows. */
export function chunkCuts(n: number, c: number, counts: readonly number[]): ChunkCuts {
  if (!(c >= 1)) throw new RangeError(`a chunk extent is at least 1, got ${c}`);
  const chunks = Math.ceil(n / c);
  const cut = new Set<number>();
  let boundary = 0;
  for (let p = 0; p + 1 < counts.length; p++) {
    boundary += counts[p];
    // a boundary on a chunk edge, or at either end of the axis, cuts nothing
    if (boundary > 0 && boundary < n && boundary % c !== 0) cut.add(Math.floor(boundary / c));
  }
  return { chunks, cut: cut.size };
}

/** chunkCuts of chunk()'s balanced layout of `n` rows over `nprocs` ranks. */
export function balancedChunkCuts(n: number, c: number, nprocs: number): ChunkCuts {
  return chunkCuts(n, c, Array.from({ length: nprocs }, (_, p) => chunkRows(n, p, nprocs).count));
}

export interface SplitAdvice {
  /** the split that cuts every chunk */
  split: number;
  cuts: ChunkCuts;
  /** the axis that cuts the smallest fraction of its chunks, or null when none cuts fewer than all */
  better: number | null;
  betterCuts: ChunkCuts | null;
}

/**
 * null when `split` (with rows per rank `counts`, default chunk()'s) leaves some chunk
 * whole to one rank, or there is nothing to cut (not split, not chunked, an empty axis).
 */
export function splitAdvice(gshape: readonly number[], chunks: readonly number[] | null, split: number | null, nprocs: number, counts?: readonly number[]): SplitAdvice | null {
  if (split === null || !chunks || chunks.length !== gshape.length) return null;
  const cuts = counts ? chunkCuts(gshape[split], chunks[split], counts) : balancedChunkCuts(gshape[split], chunks[split], nprocs);
  if (cuts.chunks === 0 || cuts.cut < cuts.chunks) return null;
  let better: number | null = null;
  let betterCuts: ChunkCuts | null = null;
  for (let a = 0; a < gshape.length; a++) {
    if (a === split) continue;
    const c = balancedChunkCuts(gshape[a], chunks[a], nprocs);
    if (c.chunks === 0 || c.cut === c.chunks) continue;
    const frac = c.cut / c.chunks;
    const best = betterCuts ? betterCuts.cut / betterCuts.chunks : Infinity;
    if (frac < best || (frac === best && betterCuts !== null && c.chunks > betterCuts.chunks)) {
      better = a;
      betterCuts = c;
    }
  }
  return { split, cuts, better, betterCuts };
}
