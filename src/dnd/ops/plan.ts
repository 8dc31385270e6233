/**
 * The exchange plan of a redistribution, pure (no MPI): which N-D box of its old block
 * each rank sends to each other rank, and where in its new block each received box goes.
 *
 * A layout is (split, counts): rank p holds rows [displs[p], displs[p] + counts[p]) of
 * the split axis and every other axis whole, or everything when split is null. What
 * p sends to q is the intersection of p's old region and q's new region; both resplit
 * (another axis) and redistribute (same axis, other counts) are this one computation.
 */
import { numel, type Shape, type Split } from '../layout.js';

export interface Layout {
  split: Split;
  /** rows per rank along split (ignored when split is null) */
  counts: readonly number[];
}

export interface Box {
  start: number[];
  extent: number[];
}

export interface ExchangePlan {
  /** per peer q: the box of my old block that goes to q */
  sends: Box[];
  /** per peer p: where the box from p lands in my new block */
  recvs: Box[];
  oldLshape: number[];
  newLshape: number[];
  /**
   * Every rank's boxes, sent and received, are contiguous runs of memory, known from the
   * layouts alone (everyBoxContiguous), so the same on every rank. When false, each rank
   * checks its own and the ranks agree (exchange.ts).
   */
  everyBoxContiguous: boolean;
}

/** Global region [start, start + extent) of rank p under a layout. */
export function region(gshape: Shape, layout: Layout, p: number): Box {
  const start = gshape.map(() => 0);
  const extent = [...gshape];
  if (layout.split !== null) {
    let d = 0;
    for (let k = 0; k < p; k++) d += layout.counts[k];
    start[layout.split] = d;
    extent[layout.split] = layout.counts[p];
  }
  return { start, extent };
}

/** Intersection of two boxes (extents 0 when they do not meet). */
export function intersect(a: Box, b: Box): Box {
  const start = a.start.map((s, i) => Math.max(s, b.start[i]));
  const extent = start.map((s, i) => Math.max(0, Math.min(a.start[i] + a.extent[i], b.start[i] + b.extent[i]) - s));
  return { start, extent };
}

function shift(b: Box, origin: readonly number[]): Box {
  return { start: b.start.map((s, i) => s - origin[i]), extent: [...b.extent] };
}

export function boxVolume(b: Box): number {
  return numel(b.extent);
}

/** The plan of `rank` for moving from layout `from` to layout `to`. */
export function exchangePlan(gshape: Shape, from: Layout, to: Layout, rank: number, size: number): ExchangePlan {
  const mineOld = region(gshape, from, rank);
  const mineNew = region(gshape, to, rank);
  const olds = regions(gshape, from, size);
  const news = regions(gshape, to, size);
  const sends: Box[] = [];
  const recvs: Box[] = [];
  for (let q = 0; q < size; q++) {
    sends.push(shift(intersect(mineOld, news[q]), mineOld.start));
    recvs.push(shift(intersect(olds[q], mineNew), mineNew.start));
  }
  return { sends, recvs, oldLshape: mineOld.extent, newLshape: mineNew.extent, everyBoxContiguous: everyBoxContiguous(gshape, from, to) };
}

/**
 * Whether every box of every rank's plan is one contiguous run (contiguousOffset), from
 * the layouts alone; false also where it may hold but would need the boxes to tell. True
 * when the move keeps the split axis a (other counts) or gathers it whole, and every axis
 * before a has length 1: each box is then partial along a alone, whole after it and of
 * extent 1 before it, in the old block and the new alike. Redistributing or gathering
 * an axis-0 split is this case.
 */
export function everyBoxContiguous(gshape: Shape, from: Layout, to: Layout): boolean {
  if (from.split === null || (to.split !== from.split && to.split !== null)) return false;
  for (let i = 0; i < from.split; i++) if (gshape[i] !== 1) return false;
  return true;
}

/**
 * Every rank's region in one pass (running displacement): O(size). Calling region() per
 * peer sums the counts again each time, O(size^2) per rank: 2.6 s of planning on every
 * rank at 16,384 ranks (docs/scaling.md).
 */
export function regions(gshape: Shape, layout: Layout, size: number): Box[] {
  const out: Box[] = [];
  let d = 0;
  for (let p = 0; p < size; p++) {
    const start = gshape.map(() => 0);
    const extent = [...gshape];
    if (layout.split !== null) {
      start[layout.split] = d;
      extent[layout.split] = layout.counts[p];
      d += layout.counts[p];
    }
    out.push({ start, extent });
  }
  return out;
}

/** bytes[p][q]: what rank p sends to rank q (for --dry-run and the report). */
export function trafficMatrix(gshape: Shape, from: Layout, to: Layout, size: number, itemsize: number): number[][] {
  const news = regions(gshape, to, size);
  return regions(gshape, from, size).map((old) => news.map((n) => boxVolume(intersect(old, n)) * itemsize));
}

/**
 * Flat element offset of a box in an array of `shape` when the box is one contiguous
 * run of memory (C order), else null: every axis before the first partial one has
 * extent 1 and every axis after it is whole.
 */
export function contiguousOffset(shape: readonly number[], box: Box): number | null {
  if (boxVolume(box) === 0) return 0;
  let k = 0;
  while (k < shape.length && box.extent[k] === 1) k++;
  for (let i = k + 1; i < shape.length; i++) if (box.start[i] !== 0 || box.extent[i] !== shape[i]) return null;
  let off = 0;
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    off += box.start[i] * stride;
    stride *= shape[i];
  }
  return off;
}
