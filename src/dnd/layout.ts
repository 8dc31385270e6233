/**
 * Distribution math of a DNDarray, pure (no MPI): Heat's `chunk()` and friends.
 *
 * An array of global shape `gshape` is cut along axis `split` into one contiguous block
 * per rank. With n = gshape[split], q = floor(n / size), r = n % size, ranks < r hold
 * q + 1 rows starting at rank * (q + 1); the others hold q rows starting at rank * q + r.
 * Non-split axes are whole. `split = null` means every rank holds the whole array.
 */
import { usageError } from './errors.js';

export type Shape = readonly number[];
export type Split = number | null;

export interface Chunk {
  /** first index of this rank's block along the split axis (0 when not split) */
  offset: number;
  /** shape of this rank's block */
  lshape: number[];
  /** [start, stop) per axis */
  slices: [number, number][];
}

/** Normalises a possibly negative axis; an axis outside [-ndim, ndim) is an error. */
export function normalizeAxis(axis: number, ndim: number): number {
  if (!Number.isInteger(axis)) throw usageError(`axis must be an integer, got ${axis}`);
  if (ndim === 0) throw usageError(`axis ${axis} is out of range for a 0-dimensional array (no axis can be split)`);
  if (axis < -ndim || axis >= ndim) {
    throw usageError(`axis ${axis} is out of range for ${ndim}-D shape: expected ${-ndim}..${ndim - 1} or none`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Normalises a split: null stays null, negative axes count from the end, and a 0-d
 * array is never split whatever was asked (Heat's sanitize_axis: a scalar is unsplit).
 */
export function normalizeSplit(split: Split, ndim: number): Split {
  if (ndim === 0 && (split === null || Number.isInteger(split))) return null;
  return split === null ? null : normalizeAxis(split, ndim);
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function strides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Rows of the split axis held by `rank` and the first of them: Heat's rule. */
export function chunkRows(n: number, rank: number, size: number): { offset: number; count: number } {
  const q = Math.floor(n / size);
  const r = n % size;
  if (rank < r) return { offset: rank * (q + 1), count: q + 1 };
  return { offset: rank * q + r, count: q };
}

/** Heat's chunk(): the block of `rank` among `size` ranks. */
export function chunk(gshape: Shape, split: Split, rank: number, size: number): Chunk {
  if (!Number.isInteger(size) || size < 1) throw usageError(`size must be a positive integer, got ${size}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= size) throw usageError(`rank must be in 0..${size - 1}, got ${rank}`);
  const s = normalizeSplit(split, gshape.length);
  const lshape = [...gshape];
  const slices = gshape.map((d) => [0, d] as [number, number]);
  if (s === null) return { offset: 0, lshape, slices };
  const { offset, count } = chunkRows(gshape[s], rank, size);
  lshape[s] = count;
  slices[s] = [offset, offset + count];
  return { offset, lshape, slices };
}

/** The balanced lshape_map (what chunk() gives every rank). */
export function balancedLshapeMap(gshape: Shape, split: Split, size: number): number[][] {
  return Array.from({ length: size }, (_, p) => chunk(gshape, split, p, size).lshape);
}

/** counts[p] = rows of rank p along the split axis, displs their exclusive prefix sum. */
export function countsDispls(lshapeMap: readonly Shape[], split: Split): { counts: number[]; displs: number[] } {
  if (split === null) throw usageError('counts and displs are undefined for a non-distributed array (split is none)');
  const counts = lshapeMap.map((l) => l[split]);
  const displs = new Array<number>(counts.length);
  let acc = 0;
  for (let p = 0; p < counts.length; p++) {
    displs[p] = acc;
    acc += counts[p];
  }
  return { counts, displs };
}

/** True when the lshape_map is what chunk() gives for every rank. */
export function isBalancedMap(lshapeMap: readonly Shape[], gshape: Shape, split: Split): boolean {
  const size = lshapeMap.length;
  return lshapeMap.every((l, p) => sameShape(l, chunk(gshape, split, p, size).lshape));
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** An lshape_map built from per-rank row counts along `split`. */
export function lshapeMapFromCounts(gshape: Shape, split: number, counts: readonly number[]): number[][] {
  return counts.map((c) => gshape.map((d, i) => (i === split ? c : d)));
}

/**
 * Checks a target row distribution along the split axis: one non-negative integer per
 * rank, summing to the axis' extent.
 */
export function validateCounts(counts: readonly number[], extent: number, size: number, what = 'target'): void {
  if (counts.length !== size) {
    throw usageError(`${what} has ${counts.length} entries but there are ${size} ranks: give one count per rank`);
  }
  counts.forEach((c, p) => {
    if (!Number.isInteger(c) || c < 0) throw usageError(`${what}[${p}] = ${c}: counts must be non-negative integers`);
  });
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum !== extent) throw usageError(`${what} sums to ${sum} but the split axis has ${extent} rows: the counts must add up to ${extent}`);
}

/** A run of elements contiguous in both the local block and the global array. */
export interface Run {
  /** first element in the local block (flat, row-major) */
  local: number;
  /** first element in the global array (flat, row-major) */
  global: number;
  length: number;
}

/**
 * Where a block of `lrows` rows starting at row `offset` of the split axis lies in the
 * global array: one run per index of the axes before `split` (pre), each `lrows * post`
 * elements long. With split null the whole array is one run.
 */
export function globalRuns(gshape: Shape, split: Split, offset: number, lrows: number): Run[] {
  if (split === null) return numel(gshape) === 0 ? [] : [{ local: 0, global: 0, length: numel(gshape) }];
  const pre = numel(gshape.slice(0, split));
  const post = numel(gshape.slice(split + 1));
  const n = gshape[split];
  const length = lrows * post;
  if (length === 0) return [];
  const runs: Run[] = new Array(pre);
  for (let o = 0; o < pre; o++) runs[o] = { local: o * length, global: (o * n + offset) * post, length };
  return runs;
}
