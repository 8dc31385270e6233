/**
 * Carries out an exchange plan with one collective. When every box on both sides is
 * contiguous in memory (e.g. redistributing along axis 0, or gathering an axis-0 split
 * to every rank: known from the layouts, plan.ts) it is one MPI_Alltoallv on bytes,
 * zero-copy; otherwise one MPI_Alltoallw with subarray datatypes, also without a packing
 * buffer, so peak memory stays at old block + new block.
 *
 * With `reuse` (in-place moves only), a rank whose new block is one contiguous run of
 * its old block and that receives nothing from the others (a redistribute that only
 * shrinks its block, or leaves it as it is) keeps that run as a view: nothing is
 * allocated or touched, and its box to itself is left out of the collective. Fresh
 * memory is the expensive part of a move here (memory.ts), so this is worth the view.
 * Otherwise, in an in-place move, a box to itself that is contiguous on both sides (a
 * redistribute keeps most rows where they are) is also left out of the collective and put
 * in afterwards by memory.ts's allocateKeeping: as pages, not copied, into a fresh block.
 */
import type { Comm } from '../comm.js';
import type { Dtype, TypedArray } from '../dtypes.js';
import { itemsize, lanes } from '../dtypes.js';
import { allocate, allocateKeeping, type Kept } from '../memory.js';
import { numel } from '../layout.js';
import { contiguousOffset, type Box, type ExchangePlan } from './plan.js';
import { peerBytes, recorder } from '../trace.js';
import { Scratch } from '../scratch.js';

const INT_MAX = 2 ** 31 - 1;

export type ExchangeMethod = 'alltoallv' | 'alltoallw';

export interface ExchangeResult {
  larray: TypedArray;
  method: ExchangeMethod;
  sentBytes: number;
  recvBytes: number;
  /** the new block is a view of the old one (reuse): the old block must not be released */
  kept: boolean;
}

// the vectors of the collective's arguments: no allocation per exchange (scratch.ts)
const sendCountsBuf = new Scratch();
const sendDisplsBuf = new Scratch();
const recvCountsBuf = new Scratch();
const recvDisplsBuf = new Scratch();

function flatten(boxes: Box[], ndim: number, into: Scratch): Float64Array {
  const out = into.of(boxes.length * ndim * 2);
  boxes.forEach((b, p) => {
    for (let i = 0; i < ndim; i++) {
      out[p * 2 * ndim + i] = b.start[i];
      out[(p * 2 + 1) * ndim + i] = b.extent[i];
    }
  });
  return out;
}

/**
 * The run of `send` that is this rank's whole new block, when it may be kept as a view
 * (see the file comment), else null. Only when it is at least half the old block: a
 * view pins the whole old buffer, and a small block is cheap to allocate anew.
 */
function keptRun(send: TypedArray, plan: ExchangePlan, rank: number, k: number): TypedArray | null {
  // k: typed-array elements per item (2 for complex: re, im)
  const n = numel(plan.newLshape);
  if (n === 0 || 2 * n * k < send.length) return null;
  if (plan.recvs.some((b, p) => p !== rank && numel(b.extent) > 0)) return null;
  const self = plan.sends[rank];
  const off = contiguousOffset(plan.oldLshape, self);
  if (off === null || numel(self.extent) !== n) return null;
  return send.subarray(off * k, (off + n) * k) as TypedArray;
}

/** The box of `send` this rank keeps, when it is contiguous in the old and the new block (else null). */
function keptBox(send: TypedArray, plan: ExchangePlan, rank: number): Kept | null {
  const items = numel(plan.sends[rank].extent);
  if (items === 0) return null;
  const fromItem = contiguousOffset(plan.oldLshape, plan.sends[rank]);
  const toItem = contiguousOffset(plan.newLshape, plan.recvs[rank]);
  return fromItem === null || toItem === null ? null : { from: send, fromItem, toItem, items };
}

/** Collective: every rank must call with its own plan of the same exchange. */
export function exchange(comm: Comm, send: TypedArray, dtype: Dtype, plan: ExchangePlan, reuse = false): ExchangeResult {
  const item = itemsize(dtype);
  const kept = reuse ? keptRun(send, plan, comm.rank, lanes(dtype)) : null;
  const own = reuse && !kept ? keptBox(send, plan, comm.rank) : null;
  // the boxes received (and the box kept) tile the new block: every element is written
  const keeping = own ? allocateKeeping(dtype, numel(plan.newLshape), own) : null;
  if (kept || keeping) {
    // the box to myself stays where it is, or is put in afterwards: take it out of the collective
    const drop = (boxes: Box[]) => boxes.map((b, p) => (p === comm.rank ? { start: b.start, extent: b.extent.map(() => 0) } : b));
    plan = { ...plan, sends: drop(plan.sends), recvs: drop(plan.recvs) };
  }
  const recv = kept ?? keeping?.block ?? allocate(dtype, numel(plan.newLshape), { reuse: true });
  const sendOffsets = plan.sends.map((b) => contiguousOffset(plan.oldLshape, b));
  const recvOffsets = plan.recvs.map((b) => contiguousOffset(plan.newLshape, b));
  const contiguous = sendOffsets.every((o) => o !== null) && recvOffsets.every((o) => o !== null);
  if (plan.everyBoxContiguous && !contiguous) throw new Error(`internal: the plan of rank ${comm.rank} has a box that is not contiguous where the layouts say every box is`);
  // every rank must take the same path: agree on it, unless the layouts already say (a
  // collective less: on a busy or oversubscribed node each one waits for every rank)
  const allContiguous = plan.everyBoxContiguous || comm.allreduceNumber(contiguous ? 1 : 0, 'min') === 1;
  // what crosses between ranks (a rank's box to itself is a local copy)
  const sentBytes = plan.sends.reduce((a, b, q) => a + (q === comm.rank ? 0 : numel(b.extent) * item), 0);
  const recvBytes = plan.recvs.reduce((a, b, p) => a + (p === comm.rank ? 0 : numel(b.extent) * item), 0);
  if (allContiguous) {
    const f = (boxes: Box[], into: Scratch) => {
      const out = into.of(boxes.length);
      boxes.forEach((b, p) => (out[p] = numel(b.extent) * item));
      return out;
    };
    const d = (offs: (number | null)[], into: Scratch) => {
      const out = into.of(offs.length);
      offs.forEach((o, p) => (out[p] = (o ?? 0) * item));
      return out;
    };
    const sendCounts = f(plan.sends, sendCountsBuf);
    const t0 = recorder.on ? recorder.now() : -1;
    comm.native.alltoallv(send, sendCounts, d(sendOffsets, sendDisplsBuf), recv, f(plan.recvs, recvCountsBuf), d(recvOffsets, recvDisplsBuf));
    if (t0 >= 0) recorder.collective('MPI_Alltoallv', t0, { bytes: sentBytes, recv_bytes: recvBytes, pattern: 'peers', to: peerBytes(sendCounts, comm.rank) });
    keeping?.place(); // after the collective: until it is done, the old block stays as it was
    return { larray: recv, method: 'alltoallv', sentBytes, recvBytes, kept: kept !== null };
  }
  if ([...plan.oldLshape, ...plan.newLshape].some((e) => e > INT_MAX)) {
    throw new RangeError('an axis longer than 2^31 - 1 elements cannot be described by an MPI subarray type');
  }
  const ndim = plan.oldLshape.length;
  const t0 = recorder.on ? recorder.now() : -1;
  comm.native.alltoallwBoxes(send, plan.oldLshape, recv, plan.newLshape, item, flatten(plan.sends, ndim, sendCountsBuf), flatten(plan.recvs, ndim, recvCountsBuf));
  if (t0 >= 0) {
    const to = peerBytes(plan.sends.map((b) => numel(b.extent) * item), comm.rank);
    recorder.collective('MPI_Alltoallw', t0, { bytes: sentBytes, recv_bytes: recvBytes, pattern: 'peers', to });
  }
  keeping?.place();
  return { larray: recv, method: 'alltoallw', sentBytes, recvBytes, kept: kept !== null };
}
