/**
 * A rank's block of a factory array: where it sits in the global array (chunk()'s share,
 * or the one `counts` gives it), a typed array for it, and the DNDarray it
 * becomes. Factories and random draws fill blocks; they never hold more than their share.
 */
import type { Comm } from './comm.js';
import { DNDarray } from './dndarray.js';
import type { Dtype, TypedArray } from './dtypes.js';
import { chunk, globalRuns, lshapeMapFromCounts, numel, type Chunk, type Run, type Split } from './layout.js';
import { allocate, type AllocateOptions } from './memory.js';

export interface Block {
  comm: Comm;
  gs: number[];
  split: Split;
  chunk: Chunk;
  larray: TypedArray;
  dtype: Dtype;
  counts: readonly number[] | null;
}

/** The checked layout of a block (see spec.ts). */
export interface BlockLayout {
  gshape: number[];
  split: Split;
  dtype: Dtype;
  counts: readonly number[] | null;
}

/**
 * This rank's block: zero-filled, or with `reuse` whatever a released block held (for
 * callers that write all of it); `prefault: false` when it may stay zeros (memory.ts).
 */
export function blockFor(layout: BlockLayout, comm: Comm, opts: AllocateOptions = {}): Block {
  const { gshape: gs, split: s, dtype, counts } = layout;
  let ch: Chunk;
  if (counts && s !== null) {
    const offset = counts.slice(0, comm.rank).reduce((a, b) => a + b, 0);
    const lshape = lshapeMapFromCounts(gs, s, counts)[comm.rank];
    const slices = gs.map((d, i) => (i === s ? [offset, offset + counts[comm.rank]] : [0, d]) as [number, number]);
    ch = { offset, lshape, slices };
  } else {
    ch = chunk(gs, s, comm.rank, comm.size);
  }
  return { comm, gs, split: s, chunk: ch, larray: allocate(dtype, numel(ch.lshape), opts), dtype, counts };
}

/** The DNDarray of a filled block: balanced by construction, or assembled from blocks. */
export function arrayOf(b: Block): DNDarray {
  if (b.counts && b.split !== null) return DNDarray.fromLocal(b.comm, b.larray, b.chunk.lshape, b.dtype, b.split);
  return new DNDarray({ comm: b.comm, dtype: b.dtype, gshape: b.gs, split: b.split, larray: b.larray, lshape: b.chunk.lshape, balanced: true });
}

/** The block's runs in the global array. */
export function localRuns(b: Block): Run[] {
  return globalRuns(b.gs, b.split, b.chunk.offset, b.split === null ? 0 : b.chunk.lshape[b.split]);
}
