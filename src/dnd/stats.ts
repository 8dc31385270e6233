/**
 * Global min, max, mean and standard deviation, computed in parallel: each rank
 * summarises its own block in float64 (Welford), rank summaries merge pairwise with
 * Chan et al.'s formula, which stays accurate where sum-of-squares would cancel.
 * NaNs are counted and left out.
 */
import type { DNDarray } from './dndarray.js';

export interface Moments {
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  nan: number;
}

export interface Stats {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  nan_count: number;
}

/** Not collective: this rank's summary. */
export function localMoments(x: DNDarray): Moments {
  const a = x.larray;
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  let nan = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Number(a[i]);
    if (v !== v) {
      nan++;
      continue;
    }
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { n, mean, m2, min, max, nan };
}

/** Chan et al.: combines two summaries. */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return { ...b, nan: a.nan + b.nan };
  if (b.n === 0) return { ...a, nan: a.nan + b.nan };
  const n = a.n + b.n;
  const d = b.mean - a.mean;
  return {
    n,
    mean: a.mean + (d * b.n) / n,
    m2: a.m2 + b.m2 + (d * d * a.n * b.n) / n,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    nan: a.nan + b.nan,
  };
}

/** Population standard deviation (numpy's default, ddof = 0). */
export function finishStats(m: Moments): Stats {
  if (m.n === 0) return { count: 0, min: null, max: null, mean: null, std: null, nan_count: m.nan };
  return { count: m.n, min: m.min, max: m.max, mean: m.mean, std: Math.sqrt(m.m2 / m.n), nan_count: m.nan };
}

/** Collective: the global statistics on every rank (split none: the whole array once). */
export function globalStats(x: DNDarray): Stats {
  const mine = x.split === null && x.rank !== 0 ? { n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, nan: 0 } : localMoments(x);
  const all = x.comm.allgatherJSON({ ...mine, min: mine.n ? mine.min : null, max: mine.n ? mine.max : null });
  const merged = all
    .map((m) => ({ ...m, min: m.min ?? Infinity, max: m.max ?? -Infinity }))
    .reduce(mergeMoments, { n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, nan: 0 });
  return finishStats(merged);
}
