/**
 * A fingerprint of a DNDarray: a function of (gshape, dtype, values) only, the same for
 * every rank count and split. Equal fingerprints show that the same global array was
 * built, bit for bit.
 *
 * Definition (the native kernel in src/native/reduce.h computes the lanes; the unit
 * tests hold a plain JS copy of this definition and compare the two):
 *
 *   For each element at global flat index g (row-major) take one 32-bit word w of its
 *   bits: the element itself zero-extended for 1-, 2- and 4-byte types; for 8-byte types
 *   fmix32(lo) ^ hi of its little-endian halves. With gi = fmix32(lo32(g) ^
 *   fmix32(hi32(g) + 0x9e3779b9)), two lanes sum, mod 2^32,
 *       A += fmix32(w ^ gi)        B += fmix32((w ^ 0x27d4eb2f) + gi)
 *   (fmix32 is MurmurHash3's finaliser). A complex item (complex64: 8 bytes, complex128:
 *   16) is its two parts, each an element of the part's type: the real part at global index
 *   2g, the imaginary part at 2g + 1 — so every byte of the item counts, and where each part
 *   sits matters (re and im swapped differ). Sums commute, so ranks add their own blocks in
 *   any order. An array that is not split (split none) is counted once, from rank 0's
 *   copy: every rank holds all of it.
 *   The fingerprint is hex8(fmix32(A ^ H)) + hex8(fmix32(B ^ fmix32(H ^ 0x165667b1))),
 *   where H hashes the dtype's name and the global shape (headerHash below), so a
 *   (2, 6) and a (3, 4) array, or float32 and int32 arrays of the same bits, differ.
 *
 * Bit for bit means: -0 and +0 differ, NaNs with different payloads differ, and a
 * float64 1.0 differs from a float32 1.0. That is what "the same array" means for data
 * moved or stored (resplit, redistribute, HDF5 round trips), where any changed bit is a
 * fault; compare --stats for numerical equality.
 */
import type { DNDarray } from './dndarray.js';
import { lanes, type Dtype, type TypedArray } from './dtypes.js';
import { globalRuns, type Shape } from './layout.js';
import { Scratch } from './scratch.js';

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Two lanes of hash sums (uint32): a block's share of a fingerprint. */
export type Lanes = [number, number];

export function addLanes(a: Lanes, b: Lanes): Lanes {
  return [(a[0] + b[0]) >>> 0, (a[1] + b[1]) >>> 0];
}

/** Hash of the dtype's name and the global shape (dimensions as two 32-bit halves). */
export function headerHash(gshape: Shape, dtype: Dtype): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < dtype.length; i++) h = fmix32(h ^ dtype.charCodeAt(i));
  h = fmix32(h ^ gshape.length);
  for (const d of gshape) {
    h = fmix32(h ^ d % 4294967296);
    h = fmix32(h ^ Math.floor(d / 4294967296));
  }
  return h;
}

/** The fingerprint of lanes summed over the whole array, as 16 hex digits. */
export function finishFingerprint(lanes: Lanes, gshape: Shape, dtype: Dtype): string {
  const h = headerHash(gshape, dtype);
  const a = fmix32((lanes[0] ^ h) >>> 0);
  const b = fmix32((lanes[1] ^ fmix32((h ^ 0x165667b1) >>> 0)) >>> 0);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** the runs' vector, kept: no backing store allocated per checksum (scratch.ts) */
const runsBuf = new Scratch();

/**
 * Flat (local, global, length) triples of a block's runs, for the native kernel, in
 * elements of the typed array: a complex item is two (re at 2g, im at 2g + 1).
 */
function runsOf(x: DNDarray, offset: number): Float64Array {
  const rows = x.split === null ? 0 : x.lshape[x.split];
  const runs = globalRuns(x.gshape, x.split, offset, rows);
  const k = lanes(x.dtype);
  const flat = runsBuf.of(runs.length * 3);
  runs.forEach((r, i) => flat.set([r.local * k, r.global * k, r.length * k], 3 * i));
  return flat;
}

/**
 * Not collective: the lanes of this rank's block, given its first row along split. One
 * native pass over the block.
 */
export function localLanes(x: DNDarray, offset: number): Lanes {
  const a: TypedArray = x.larray;
  if (a.length === 0) return [0, 0];
  return x.comm.native.fingerprintLanes(a, runsOf(x, offset));
}

/** Does this rank's block count towards global sums? (split none: rank 0's copy only) */
export function countsGlobally(x: DNDarray): boolean {
  return x.split !== null || x.comm.rank === 0;
}

/**
 * Collective: the fingerprint of the global array, on every rank. `mine` may be given
 * when the caller already has this rank's lanes.
 */
export function globalFingerprint(x: DNDarray, mine?: Lanes): string {
  const offset = x.offset; // collective (first call): every rank asks
  const counted: Lanes = countsGlobally(x) ? (mine ?? localLanes(x, offset)) : [0, 0];
  const all = x.comm.allgatherNumbers(counted);
  const total = all.reduce<Lanes>((acc, l) => addLanes(acc, [l[0], l[1]]), [0, 0]);
  return finishFingerprint(total, x.gshape, x.dtype);
}
