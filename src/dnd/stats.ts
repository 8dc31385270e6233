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
 * NaN and ±inf counts, min and max, and double-double sums of the finite values and of
 * their squares (compensated: about 106 bits). Ranks exchange those as raw float64 and
 * merge them in rank order; an array that is not split counts once (rank 0's copy).
 * mean = S1 / n and var = (n*S2 - S1^2) / n^2 are evaluated in double-double and rounded
 * once at the end. Why this gives the same result for every -n and split: a different
 * cut changes the sums only in their ~100th bit, far below float64's 53, so the rounded
 * results are equal unless the exact value lies within ~2^-100 (relative) of a rounding
 * boundary. The exceptions are contrived: sums that cancel across more than ~50 binary
 * orders of magnitude (e.g. [1e300, 1, -1e300] with more terms in between), or a std
 * below ~1e-26 of the mean; there the last bits may differ.
 * Squares that overflow float64 (|x| above ~1.3e154) make std inf.
 */
import { countsGlobally } from './checksum.js';
import type { DNDarray } from './dndarray.js';
import type { TypedArray } from './dtypes.js';

/** One rank's (or a merged) summary; raw float64 so it crosses MPI exactly. */
export interface Moments {
  /** elements, NaN and infinities included */
  count: number;
  nan: number;
  pinf: number;
  ninf: number;
  /** over the non-NaN values (±Infinity when none) */
  min: number;
  max: number;
  /** double-double sums of the finite values and of their squares */
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

export const EMPTY_MOMENTS: Moments = { count: 0, nan: 0, pinf: 0, ninf: 0, min: Infinity, max: -Infinity, s1: [0, 0], s2: [0, 0] };

/** Not collective: this rank's summary, one native pass over its block. */
export function localMoments(x: DNDarray): Moments {
  return momentsOf(x.larray, (a) => x.comm.native.momentSums(a));
}

/** The summary of a typed array, given the native pass (kept apart for the unit tests). */
export function momentsOf(a: TypedArray, pass: (a: TypedArray) => Float64Array): Moments {
  if (a.length === 0) return { ...EMPTY_MOMENTS };
  const r = pass(a);
  return { count: a.length, nan: r[0], pinf: r[1], ninf: r[2], min: r[3], max: r[4], s1: [r[5], r[6]], s2: [r[7], r[8]] };
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

/** Chan et al.'s pairwise merge reduces here to sums: counts add, min/max fold. */
export function mergeMoments(a: Moments, b: Moments): Moments {
  return {
    count: a.count + b.count,
    nan: a.nan + b.nan,
    pinf: a.pinf + b.pinf,
    ninf: a.ninf + b.ninf,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    s1: ddAdd(a.s1, b.s1),
    s2: ddAdd(a.s2, b.s2),
  };
}

/** numpy's sum of the values: NaN with a NaN or both infinities, ±inf with one. */
export function finishSum(m: Moments): number {
  if (m.nan > 0 || (m.pinf > 0 && m.ninf > 0)) return NaN;
  if (m.pinf > 0) return Infinity;
  if (m.ninf > 0) return -Infinity;
  return m.s1[0] + m.s1[1];
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
    mean = (m.s1[0] + m.s1[1]) / n;
    // var * n^2 = n*S2 - S1^2, in double-double, rounded once
    const num = ddAdd(ddMulNum(m.s2, n), ddMul(m.s1, [-m.s1[0], -m.s1[1]]));
    if (!Number.isFinite(m.s2[0]) || !Number.isFinite(m.s2[1])) std = Infinity;
    else std = Math.sqrt(Math.max(0, (num[0] + num[1]) / n / n));
  }
  return { ...base, min: m.min, max: m.max, mean, std };
}

/** Flat float64 form of a summary, for one exact Allgather. */
function flat(m: Moments): number[] {
  return [m.count, m.nan, m.pinf, m.ninf, m.min, m.max, m.s1[0], m.s1[1], m.s2[0], m.s2[1]];
}

function unflat(v: readonly number[]): Moments {
  return { count: v[0], nan: v[1], pinf: v[2], ninf: v[3], min: v[4], max: v[5], s1: [v[6], v[7]], s2: [v[8], v[9]] };
}

/**
 * Collective: every rank's summary merged in rank order, on every rank (split none: rank
 * 0's copy only). `mine` may be given when the caller already has this rank's summary.
 */
export function globalMoments(x: DNDarray, mine?: Moments): Moments {
  const counted = countsGlobally(x) ? (mine ?? localMoments(x)) : EMPTY_MOMENTS;
  return x.comm.allgatherNumbers(flat(counted)).map(unflat).reduce(mergeMoments, { ...EMPTY_MOMENTS });
}

/** Collective: the global statistics on every rank. */
export function globalStats(x: DNDarray, mine?: Moments): Stats {
  return finishStats(globalMoments(x, mine));
}
