/**
 * resplit(axis): the same global array, now split along `axis` (balanced by chunk()),
 * or whole on every rank for `axis = null`. One collective exchange, never a gather to
 * one rank. Resplitting to the current axis is a no-op, as in Heat. From null to an
 * axis nothing moves: each rank keeps its own chunk of the copy it already holds.
 */
import type { DNDarray } from '../dndarray.js';
import { lanes, type TypedArray } from '../dtypes.js';
import { balancedLshapeMap, countsDispls, normalizeSplit, numel, strides, type Split } from '../layout.js';
import { allocate, release } from '../memory.js';
import { exchange, type ExchangeMethod } from './exchange.js';
import { exchangePlan, region, type Box, type Layout } from './plan.js';
import { recorder, spanBegin, spanEnd } from '../trace.js';

export interface MoveStats {
  method: ExchangeMethod | 'none';
  sentBytes: number;
  recvBytes: number;
}

/** The layout an array has now (collective the first time: gathers the lshape_map). */
export function currentLayout(x: DNDarray): Layout {
  return { split: x.split, counts: x.split === null ? [] : countsDispls(x.lshapeMap, x.split).counts };
}

/** The balanced layout along `split`. */
export function balancedLayout(gshape: number[], split: Split, size: number): Layout {
  return { split, counts: split === null ? [] : countsDispls(balancedLshapeMap(gshape, split, size), split).counts };
}

export interface Moved extends MoveStats {
  larray: TypedArray;
  lshape: number[];
  lshapeMap: number[][];
  layout: Layout;
}

/**
 * Collective. x's data in the layout `to`, as a new local block; x is not changed, so
 * copying (resplit) and in-place (resplitInPlace) variants share this.
 */
export function moveTo(x: DNDarray, to: Layout, inPlace = false): Moved {
  spanBegin('plan');
  const from = currentLayout(x);
  const gshape = x.gshape;
  const plan = exchangePlan(gshape, from, to, x.rank, x.comm.size);
  const lshapeMap = Array.from({ length: x.comm.size }, (_, p) => region(gshape, to, p).extent);
  spanEnd();
  if (from.split === null && to.split !== null) {
    // everyone holds everything: keep my chunk, no communication
    const larray = copyBox(x, plan.sends[x.rank], plan.newLshape);
    return { larray, lshape: plan.newLshape, lshapeMap, layout: to, method: 'none', sentBytes: 0, recvBytes: 0 };
  }
  spanBegin('exchange');
  const moved = exchange(x.comm, x.larray, x.dtype, plan, inPlace);
  if (recorder.on) spanEnd({ method: moved.method, sent_bytes: moved.sentBytes, recv_bytes: moved.recvBytes }, true);
  return { larray: moved.larray, lshape: plan.newLshape, lshapeMap, layout: to, method: moved.method, sentBytes: moved.sentBytes, recvBytes: moved.recvBytes };
}

/**
 * Applies a move to x itself. The old block is unmapped at once; views of it that a
 * caller kept (`const l = x.larray` before the move) become empty.
 */
export function applyMove(x: DNDarray, m: Moved): MoveStats {
  const old = x.larray;
  x.replaceLocal(m.larray, m.lshape, m.layout.split, m.lshapeMap, null);
  // at once, not at the next GC: keeps a rank's peak at old + new block (unless the new
  // block is a view of the old one, see exchange.ts)
  if (m.larray.buffer !== old.buffer) release(old);
  return { method: m.method, sentBytes: m.sentBytes, recvBytes: m.recvBytes };
}

/** Copies a box of my block into a new block of shape `lshape` (no MPI). */
function copyBox(x: DNDarray, box: Box, lshape: number[]): TypedArray {
  const src = x.larray;
  const dst = allocate(x.dtype, numel(lshape), { reuse: true }); // the box is the whole block
  if (dst.length === 0) return dst;
  const shape = x.lshape;
  const ndim = shape.length;
  const k = lanes(x.dtype); // elements per item: offsets below count items, the arrays elements
  const run = box.extent[ndim - 1];
  const st = strides(shape);
  const idx = new Array<number>(Math.max(0, ndim - 1)).fill(0);
  for (let o = 0; ; o += run) {
    let off = box.start[ndim - 1];
    for (let i = 0; i < ndim - 1; i++) off += (box.start[i] + idx[i]) * st[i];
    (dst as Float64Array).set((src as Float64Array).subarray(off * k, (off + run) * k), o * k);
    let d = ndim - 2;
    while (d >= 0 && ++idx[d] === box.extent[d]) idx[d--] = 0;
    if (d < 0) break;
  }
  return dst;
}

/** Collective, in place: resplit x along `axis` (null: every rank gets everything). */
export function resplitInPlace(x: DNDarray, axis: Split): MoveStats {
  const to = normalizeSplit(axis, x.ndim);
  if (to === x.split) return { method: 'none', sentBytes: 0, recvBytes: 0 };
  return applyMove(x, moveTo(x, balancedLayout(x.gshape, to, x.comm.size), true));
}
