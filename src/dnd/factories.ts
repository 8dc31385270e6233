/**
 * Factories: each rank allocates and fills only its own block (chunk() of the global
 * shape), so no rank ever holds more than its share. Values depend on the element's
 * global index, never on the rank count.
 */
import { Comm } from './comm.js';
import { DNDarray } from './dndarray.js';
import { dtypeRange, isFloat, setNumber, type Dtype, type TypedArray } from './dtypes.js';
import { usageError } from './errors.js';
import { allocate } from './memory.js';
import { tensorBlock, type Tensor } from './tensor.js';
import { chunk, globalRuns, lshapeMapFromCounts, normalizeSplit, numel, strides, validateCounts, type Chunk, type Run, type Shape, type Split } from './layout.js';

export interface FactoryOptions {
  split?: Split;
  dtype?: Dtype;
  comm?: Comm;
  /**
   * Rows of the split axis per rank, for an unbalanced array on purpose. Each rank
   * builds its own block and the array is assembled as Heat's `is_split` does
   * (collective); without it the layout is chunk()'s.
   */
  counts?: readonly number[] | null;
}

/** Checks a global shape: non-negative integers. */
export function checkShape(gshape: Shape): number[] {
  gshape.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 0) throw usageError(`shape[${i}] = ${d}: extents must be non-negative integers`);
  });
  return [...gshape];
}

export interface Block {
  comm: Comm;
  gs: number[];
  split: Split;
  chunk: Chunk;
  larray: TypedArray;
  dtype: Dtype;
  counts: readonly number[] | null;
}

/** This rank's zero-filled block: chunk()'s, or the one `counts` gives it. @internal */
export function blockFor(gshape: Shape, opts: FactoryOptions, dtype: Dtype): Block {
  const gs = checkShape(gshape);
  const s = normalizeSplit(opts.split === undefined ? 0 : opts.split, gs.length);
  const c = opts.comm ?? Comm.world();
  const counts = opts.counts ?? null;
  let ch: Chunk;
  if (counts) {
    if (s === null) throw usageError('counts need a split axis, but split is none');
    validateCounts(counts, gs[s], c.size, 'counts');
    const offset = counts.slice(0, c.rank).reduce((a, b) => a + b, 0);
    const lshape = lshapeMapFromCounts(gs, s, counts)[c.rank];
    const slices = gs.map((d, i) => (i === s ? [offset, offset + counts[c.rank]] : [0, d]) as [number, number]);
    ch = { offset, lshape, slices };
  } else {
    ch = chunk(gs, s, c.rank, c.size);
  }
  return { comm: c, gs, split: s, chunk: ch, larray: allocate(dtype, numel(ch.lshape)), dtype, counts };
}

/** The DNDarray of a filled block: balanced by construction, or assembled from blocks. @internal */
export function arrayOf(b: Block): DNDarray {
  if (b.counts && b.split !== null) return DNDarray.fromLocal(b.comm, b.larray, b.chunk.lshape, b.dtype, b.split);
  return new DNDarray({ comm: b.comm, dtype: b.dtype, gshape: b.gs, split: b.split, larray: b.larray, lshape: b.chunk.lshape, balanced: true });
}

/** Checks that `value` can be stored in `dtype` exactly (integers) or at all (range). */
export function checkValue(value: number, dtype: Dtype, what: string): void {
  if (Number.isNaN(value) && isFloat(dtype)) return;
  const [min, max] = dtypeRange(dtype);
  if (!Number.isFinite(value) && isFloat(dtype)) return;
  if (!isFloat(dtype) && !Number.isInteger(value)) throw usageError(`${what} ${value} is not an integer, as ${dtype} needs`);
  if (value < min || value > max) throw usageError(`${what} ${value} does not fit ${dtype} (${min}..${max})`);
}

function filled(gshape: Shape, value: number, opts: FactoryOptions): DNDarray {
  const dtype = opts.dtype ?? 'float32';
  checkValue(value, dtype, 'fill value');
  const b = blockFor(gshape, opts, dtype);
  if (value !== 0) {
    if (b.larray instanceof BigInt64Array) b.larray.fill(BigInt(value));
    else b.larray.fill(value);
  }
  return arrayOf(b);
}

export function zeros(gshape: Shape, opts: FactoryOptions = {}): DNDarray {
  return filled(gshape, 0, opts);
}

export function ones(gshape: Shape, opts: FactoryOptions = {}): DNDarray {
  return filled(gshape, 1, opts);
}

export function full(gshape: Shape, value: number, opts: FactoryOptions = {}): DNDarray {
  return filled(gshape, value, opts);
}

/** Uninitialised in Heat; here zero-filled, since fresh memory is zero anyway. */
export function empty(gshape: Shape, opts: FactoryOptions = {}): DNDarray {
  return filled(gshape, 0, opts);
}

/** The block's runs in the global array. @internal */
export function localRuns(b: Block): Run[] {
  return globalRuns(b.gs, b.split, b.chunk.offset, b.split === null ? 0 : b.chunk.lshape[b.split]);
}

/** Fills each element from its global flat index. */
function byIndex(gshape: Shape, opts: FactoryOptions, dtypeDefault: Dtype, f: (g: number) => number): DNDarray {
  const dtype = opts.dtype ?? dtypeDefault;
  const b = blockFor(gshape, opts, dtype);
  for (const run of localRuns(b)) {
    for (let i = 0; i < run.length; i++) setNumber(b.larray, run.local + i, f(run.global + i));
  }
  return arrayOf(b);
}

/** start, start + step, ... over the global flat index (1-D, or any shape read row-major). */
export function arange(gshape: Shape, start = 0, step = 1, opts: FactoryOptions = {}): DNDarray {
  if (!Number.isFinite(start) || !Number.isFinite(step)) throw usageError(`arange needs finite start and step, got ${start}, ${step}`);
  const dtype = opts.dtype ?? 'float32';
  const n = numel(gshape);
  if (n > 0) {
    checkValue(start, dtype, 'arange start');
    checkValue(start + (n - 1) * step, dtype, 'arange end');
  }
  return byIndex(gshape, opts, 'float32', (g) => start + g * step);
}

/** numel(gshape) evenly spaced values from start to stop inclusive. */
export function linspace(gshape: Shape, start: number, stop: number, opts: FactoryOptions = {}): DNDarray {
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw usageError(`linspace needs finite start and stop, got ${start}, ${stop}`);
  const n = numel(gshape);
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  return byIndex(gshape, opts, 'float32', (g) => (g === n - 1 && n > 1 ? stop : start + g * step));
}

/** 2-D identity: ones where row == column. */
export function eye(gshape: Shape, opts: FactoryOptions = {}): DNDarray {
  if (gshape.length !== 2) throw usageError(`eye needs a 2-D shape (rows,cols), got ${gshape.length}-D`);
  const [, cols] = gshape;
  const st = strides(gshape);
  return byIndex(gshape, opts, 'float32', (g) => (Math.floor(g / st[0]) === g % cols ? 1 : 0));
}


/**
 * Collective: a DNDarray whose rank p block is rank p's tensor, split along `split`
 * (blocks may differ along it, as Heat's is_split); or every rank's identical whole
 * array when split is null.
 */
export function fromTensor(t: Tensor, opts: { comm: Comm; split: Split }): DNDarray {
  const { larray, dtype } = tensorBlock(t);
  if (opts.split === null) {
    return new DNDarray({ comm: opts.comm, dtype, gshape: t.shape, split: null, larray, lshape: t.shape, balanced: true });
  }
  return DNDarray.fromLocal(opts.comm, larray, t.shape, dtype, opts.split);
}
