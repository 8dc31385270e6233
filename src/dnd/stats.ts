/**
 * Global statistics of a DNDarray (count, min, max, mean, std, sum, NaN count): functions
 * of the global array alone, the same for every rank count and split.
 *
 * Semantics are numpy's (np.min, np.max, np.mean, np.std with ddof 0, np.sum):
 * - a NaN anywhere makes min, max, mean, std and sum NaN (nan_count says how many);
 * - infinities count: mean of [1, inf] is inf, of [inf, -inf] NaN; std of anything
 *   holding an infinity is NaN; min and max may be ±inf;
 * - an empty array (a zero extent) has count 0, sum 0 and null min, max, mean and std
 *   (numpy raises for min/max of an empty array and warns for its mean).
 *
 * How: each rank makes one native pass over its block (src/native/reduce.h) giving the
 * NaN and ±inf counts, min and max, and double-double sums (compensated: about 106 bits)
 * of the finite values x, of d = x - K and of d^2, for one shift K shared by every rank:
 * the value of global element 0 (0 when it is not finite, and for int64). Ranks exchange
 * those as raw float64 and merge them in rank order; an array that is not split counts
 * once (rank 0's copy). Then sum = S(x), mean = S(x) / n and var = (n*S(d^2) - S(d)^2) / n^2,
 * evaluated in double-double and rounded once at the end (std: then a square root) (each d is a pure function of x
 * and K, so it is the same whichever rank computes it).
 *
 * Why this gives the same result for every -n and split: a different cut changes the sums
 * only in their ~100th bit, far below float64's 53, so the rounded results are equal unless
 * the exact value lies within ~2^-100 (relative) of a rounding boundary, or unless the
 * variance cancels badly: the error grows with ((mean - K) / std)^2, which the shift keeps
 * small (about 1 for typical data; it matters past ~3e7, e.g. when element 0 is an outlier
 * that far out). The sum cancels badly only for contrived data ([1e300, 1, -1e300] with
 * more terms in between). Where that happens the last bits may differ, no more.
 * Values whose shifted squares overflow float64 (|x - K| above ~1.3e154) make std inf.
 */
import { countsGlobally } from './checksum.js';
import type { DNDarray } from './dndarray.js';
import { isComplex, type TypedArray } from './dtypes.js';
import { usageError } from './errors.js';

/** One rank's (or a merged) summary; raw float64 so it crosses MPI exactly. */
export interface Moments {
  /** the shift K of s1 and s2 (the same on every rank) */
  shift: number;
  /** elements, NaN and infinities included */
  count: number;
  nan: number;
  pinf: number;
  ninf: number;
  /** finite values whose shifted square overflows float64 */
  overflow: number;
  /** over the non-NaN values (±Infinity when none) */
  min: number;
  max: number;
  /** double-double sums over the finite values of x, of d = x - shift and of d^2 */
  s0: DD;
  s1: DD;
  s2: DD;
}

/** hi + lo, |lo| <= ulp(hi) / 2 after normalisation */
export type DD = [number, number];

export interface Stats {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  sum: number;
  nan_count: number;
}

export const EMPTY_MOMENTS: Moments = { shift: 0, count: 0, nan: 0, pinf: 0, ninf: 0, overflow: 0, min: Infinity, max: -Infinity, s0: [0, 0], s1: [0, 0], s2: [0, 0] };

function empty(shift: number): Moments {
  return { ...EMPTY_MOMENTS, shift };
}

/** Not collective: this rank's summary, one native pass over its block. */
export function localMoments(x: DNDarray, shift: number): Moments {
  // a complex block is (re, im) parts: moments over them would be wrong numbers, not an error
  if (isComplex(x.dtype)) throw usageError(`statistics are for real dtypes, not ${x.dtype}`);
  return momentsOf(x.larray, shift, (a, k) => x.comm.native.momentSums(a, k));
}

/** The summary of a typed array, given the native pass (kept apart for the unit tests). */
export function momentsOf(a: TypedArray, shift: number, pass: (a: TypedArray, shift: number) => ArrayLike<number>): Moments {
  const k = a instanceof BigInt64Array ? 0 : shift; // int64 blocks are not shifted (reduce.h)
  if (a.length === 0) return empty(k);
  const r = pass(a, k);
  return { shift: k, count: a.length, nan: r[0], pinf: r[1], ninf: r[2], overflow: r[3], min: r[4], max: r[5], s0: [r[6], r[7]], s1: [r[8], r[9]], s2: [r[10], r[11]] };
}

/** The shift of a block: its first element when finite, else 0 (int64: always 0). */
export function shiftOf(a: TypedArray): number {
  if (a.length === 0 || a instanceof BigInt64Array) return 0;
  const v = Number(a[0]);
  return Number.isFinite(v) ? v : 0;
}

/**
 * Collective: the shift every rank uses, the value of global element 0 (shiftOf), sent by
 * the rank holding it (split none: rank 0).
 */
export function globalShift(x: DNDarray): number {
  const offset = x.offset;
  const holds = x.larray.length > 0 && (x.split === null ? x.comm.rank === 0 : offset === 0);
  const all = x.comm.allgatherNumbers(holds ? [1, shiftOf(x.larray)] : [0, 0]);
  return all.find((v) => v[0] === 1)?.[1] ?? 0;
}

// ---- double-double arithmetic (Dekker, Knuth; no FMA in JS, so products split) ----

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bp = s - a;
  return [s, a - (s - bp) + (b - bp)];
}

function split(a: number): [number, number] {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

export function ddAdd(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  if (!Number.isFinite(s)) return [s, 0]; // an overflowed sum stays ±inf (NaN for inf - inf)
  return twoSum(s, e + a[1] + b[1]);
}

function ddMul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return twoSum(p, e + a[0] * b[1] + a[1] * b[0]);
}

function ddMulNum(a: DD, b: number): DD {
  const [p, e] = twoProd(a[0], b);
  return twoSum(p, e + a[1] * b);
}

/** a / b with a double-double quotient (one correction step) */
function ddDivNum(a: DD, b: number): DD {
  const q1 = a[0] / b;
  const r = ddAdd(a, ddMulNum([q1, 0], -b));
  return twoSum(q1, (r[0] + r[1]) / b);
}

/**
 * Merges two summaries of the same shift. Chan et al.'s update of (n, mean, M2) is not
 * needed: it guards float64 sums against cancellation, which the double-double sums of
 * shifted values already avoid, and plain sums merge exactly in any grouping.
 */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.shift !== b.shift && a.count > 0 && b.count > 0) throw new RangeError(`moments with shifts ${a.shift} and ${b.shift} cannot merge`);
  return {
    shift: a.count > 0 ? a.shift : b.shift,
    count: a.count + b.count,
    nan: a.nan + b.nan,
    pinf: a.pinf + b.pinf,
    ninf: a.ninf + b.ninf,
    overflow: a.overflow + b.overflow,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    s0: ddAdd(a.s0, b.s0),
    s1: ddAdd(a.s1, b.s1),
    s2: ddAdd(a.s2, b.s2),
  };
}

/** numpy's sum of the values: NaN with a NaN or both infinities, ±inf with one. */
export function finishSum(m: Moments): number {
  if (m.nan > 0 || (m.pinf > 0 && m.ninf > 0)) return NaN;
  if (m.pinf > 0) return Infinity;
  if (m.ninf > 0) return -Infinity;
  return total(m.s0);
}

/** A double-double rounded to float64; a sum that overflowed is its ±inf high part. */
function total(d: DD): number {
  return Number.isFinite(d[0]) ? d[0] + d[1] : d[0];
}

/** Population statistics (numpy's defaults, ddof = 0) of merged moments. */
export function finishStats(m: Moments): Stats {
  const sum = finishSum(m);
  if (m.count === 0) return { count: 0, min: null, max: null, mean: null, std: null, sum: 0, nan_count: 0 };
  const base = { count: m.count, sum, nan_count: m.nan };
  if (m.nan > 0) return { ...base, min: NaN, max: NaN, mean: NaN, std: NaN };
  const n = m.count;
  let mean: number;
  let std: number;
  if (m.pinf > 0 || m.ninf > 0) {
    mean = sum; // ±inf, or NaN when both signs
    std = NaN;
  } else {
    mean = Number.isFinite(m.s0[0]) ? total(ddDivNum(m.s0, n)) : m.s0[0] / n;
    // var * n^2 = n*S(d^2) - S(d)^2, in double-double, rounded once
    const num = ddAdd(ddMulNum(m.s2, n), ddMul(m.s1, [-m.s1[0], -m.s1[1]]));
    const v = total(ddDivNum(ddDivNum(num, n), n));
    std = m.overflow > 0 || !Number.isFinite(v) ? Infinity : Math.sqrt(Math.max(0, v));
  }
  return { ...base, min: m.min, max: m.max, mean, std };
}

/** Flat float64 form of a summary, for one exact Allgather. */
function flat(m: Moments): number[] {
  return [m.shift, m.count, m.nan, m.pinf, m.ninf, m.overflow, m.min, m.max, ...m.s0, ...m.s1, ...m.s2];
}

function unflat(v: readonly number[]): Moments {
  return { shift: v[0], count: v[1], nan: v[2], pinf: v[3], ninf: v[4], overflow: v[5], min: v[6], max: v[7], s0: [v[8], v[9]], s1: [v[10], v[11]], s2: [v[12], v[13]] };
}

/**
 * Collective: every rank's summary merged in rank order, on every rank (split none: rank
 * 0's copy only). `mine` may be given when the caller already has this rank's summary,
 * made with the global shift (globalShift) or with shift 0 on every rank.
 */
export function globalMoments(x: DNDarray, mine?: Moments): Moments {
  const shift = mine ? mine.shift : globalShift(x);
  const counted = countsGlobally(x) ? (mine ?? localMoments(x, shift)) : empty(shift);
  const merged = x.comm.allgatherNumbers(flat(counted)).map(unflat).reduce(mergeMoments, empty(shift));
  // a shift far from huge values can overflow where none would: every rank sees the same
  // merged count, so all redo the pass unshifted together
  if (merged.overflow > 0 && shift !== 0) return globalMoments(x, countsGlobally(x) ? localMoments(x, 0) : empty(0));
  return merged;
}

/** Collective: the global statistics on every rank. */
export function globalStats(x: DNDarray, mine?: Moments): Stats {
  return finishStats(globalMoments(x, mine));
}
