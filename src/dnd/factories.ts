/**
 * Factories: each rank allocates and fills only its own block (chunk() of the global
 * shape), so no rank ever holds more than its share. Values depend on the element's
 * global index, never on the rank count.
 *
 * Signatures are Heat's: `zeros(shape, {dtype, split})`, `full(shape, value)`,
 * `arange(start, stop, step)`, `linspace(start, stop, num)`, `eye(n)`. The default split
 * is Heat's too: none, every rank holds the whole array; pass `{split: 0}` to distribute.
 * Every option is checked by spec.ts, the same validator the command line uses.
 */
import { arrayOf, blockFor, localRuns } from './block.js';
import type { Comm } from './comm.js';
import { DNDarray } from './dndarray.js';
import { dtypeOfArray, isComplex, isFloat, lanes, partDtype, type Dtype, type TypedArray } from './dtypes.js';
import { usageError } from './errors.js';
import { numel, strides, type Split } from './layout.js';
import { checkOptions, commOf, dtypeOf, splitOf } from './options.js';
import { complexParts, fillScalar, isIntegral, setScalar, toBig, toNum, type FillValue, type Scalar } from './scalar.js';
import { checkFactorySpec, checkShape, checkSplit, defaultDtype, type FactoryInput, type FactoryKind, type FactorySpec } from './spec.js';
import { tensorBlock, type Tensor } from './tensor.js';

export interface FactoryOptions {
  /** the split axis, or null (the default, as in Heat): every rank holds the whole array */
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

export const FACTORY_OPTIONS = ['split', 'dtype', 'comm', 'counts'] as const;

/** A shape as Heat takes it: a number (1-D) or a list of extents. */
export function shapeOf(shape: number | readonly number[], fn: string): number[] {
  if (typeof shape === 'number') return [shape];
  if (!Array.isArray(shape)) throw usageError(`${fn}: shape must be a number or an array of numbers, got ${typeof shape}`);
  return [...shape];
}

/** Checks a library call's options and makes its spec (spec.ts), on `comm`. */
export function librarySpec(fn: string, input: Omit<FactoryInput, 'split' | 'dtype' | 'counts'>, opts: FactoryOptions, allowed: readonly string[] = FACTORY_OPTIONS, dtype?: Dtype): { spec: FactorySpec; comm: Comm } {
  checkOptions(opts, allowed, fn);
  const comm = commOf(opts);
  const spec = checkFactorySpec({ ...input, dtype: dtypeOf(opts.dtype, dtype ?? defaultDtype(input.kind)), split: splitOf(opts.split), counts: opts.counts ? [...opts.counts] : null }, comm.size);
  return { spec, comm };
}

/** Fills each element from its global flat index (complex: the real part; imaginary stays 0). */
function byIndex(spec: FactorySpec, comm: Comm, f: (g: number) => Scalar): DNDarray {
  // every element is written, but a complex block's imaginary parts stay the zeros it came with
  const b = blockFor(spec, comm, { reuse: !isComplex(spec.dtype) });
  const k = lanes(spec.dtype);
  for (const run of localRuns(b)) {
    for (let i = 0; i < run.length; i++) setScalar(b.larray, (run.local + i) * k, f(run.global + i));
  }
  return arrayOf(b);
}

/** Fills a block with one value: complex blocks with its (re, im) parts interleaved. */
function fillValue(a: TypedArray, v: FillValue, dtype: Dtype): void {
  if (!isComplex(dtype)) {
    if (!(v === 0 && !Object.is(v, -0))) fillScalar(a, v as Scalar);
    return;
  }
  const [re, im] = complexParts(v);
  for (let i = 0; i < a.length; i += 2) {
    a[i] = re;
    a[i + 1] = im;
  }
}

/** start + g*step, exactly: in BigInt where an int64 value could pass 2^53. */
function arangeValue(spec: FactorySpec): (g: number) => Scalar {
  const start = spec.start ?? 0;
  const step = spec.step ?? 1;
  const n = numel(spec.gshape);
  const exactInts = !isFloat(spec.dtype) && isIntegral(start) && isIntegral(step);
  const reach = Math.abs(toNum(start)) + n * Math.abs(toNum(step));
  if (exactInts && reach > Number.MAX_SAFE_INTEGER) {
    const s = toBig(start);
    const d = toBig(step);
    return (g) => s + BigInt(g) * d;
  }
  const s = toNum(start);
  const d = toNum(step);
  return (g) => s + g * d;
}

/**
 * Builds a checked spec of a deterministic kind (everything but the random ones, which
 * random.ts draws). Collective only when `counts` asks for an assembled layout.
 */
export function fillDeterministic(spec: FactorySpec, comm: Comm): DNDarray {
  switch (spec.kind) {
    case 'zeros':
    case 'empty':
      return arrayOf(blockFor(spec, comm, { prefault: false }));
    case 'ones':
    case 'full': {
      const b = blockFor(spec, comm);
      fillValue(b.larray, spec.kind === 'ones' ? 1 : (spec.value as FillValue), spec.dtype);
      return arrayOf(b);
    }
    case 'arange':
      return byIndex(spec, comm, arangeValue(spec));
    case 'linspace': {
      const n = numel(spec.gshape);
      const start = toNum(spec.start ?? 0);
      const stop = toNum(spec.stop ?? 1);
      const step = n > 1 ? (stop - start) / (n - 1) : 0;
      return byIndex(spec, comm, (g) => (g === n - 1 && n > 1 ? stop : start + g * step));
    }
    case 'eye': {
      const cols = spec.gshape[1];
      const st = strides(spec.gshape);
      return byIndex(spec, comm, (g) => (Math.floor(g / st[0]) === g % cols ? 1 : 0));
    }
    default:
      throw new Error(`${spec.kind} is a random kind: draw it with random.ts`);
  }
}

function simple(kind: FactoryKind, fn: string, shape: number | readonly number[], opts: FactoryOptions, extra: Partial<FactoryInput> = {}): DNDarray {
  const { spec, comm } = librarySpec(fn, { kind, gshape: shapeOf(shape, fn), ...extra }, opts);
  return fillDeterministic(spec, comm);
}

/** Heat's `zeros(shape, dtype, split)`. */
export function zeros(shape: number | readonly number[], opts: FactoryOptions = {}): DNDarray {
  return simple('zeros', 'zeros', shape, opts);
}

/** Heat's `ones(shape, dtype, split)`. */
export function ones(shape: number | readonly number[], opts: FactoryOptions = {}): DNDarray {
  return simple('ones', 'ones', shape, opts);
}

/**
 * Heat's `full(shape, fill_value, dtype, split)`; an int64 value beyond 2^53 as a BigInt;
 * a complex value as a [re, im] pair with `{dtype: 'complex64' | 'complex128'}` (a real
 * value fills a complex array with imaginary part 0).
 */
export function full(shape: number | readonly number[], value: FillValue, opts: FactoryOptions = {}): DNDarray {
  return simple('full', 'full', shape, opts, { value });
}

/** Uninitialised in Heat; here zero-filled, since fresh memory is zero anyway. */
export function empty(shape: number | readonly number[], opts: FactoryOptions = {}): DNDarray {
  return simple('empty', 'empty', shape, opts);
}

/** Heat's `eye(shape)`: n×n for a number, rows×cols for a pair; ones where row == column. */
export function eye(shape: number | readonly [number, number], opts: FactoryOptions = {}): DNDarray {
  const s = typeof shape === 'number' ? [shape, shape] : shapeOf(shape, 'eye');
  return simple('eye', 'eye', s, opts);
}

/**
 * Heat's `arange([start,] stop[, step], dtype, split)`: values from start (default 0)
 * up to but not including stop, `step` apart; a trailing object holds the options. The
 * dtype is int32 when every argument is an integer, else float32, as in Heat.
 *
 *     dnd.arange(10, { split: 0 });   dnd.arange(1, 2, 0.25);
 */
export function arange(...args: (number | FactoryOptions)[]): DNDarray {
  const opts = (typeof args[args.length - 1] === 'object' ? args.pop() : {}) as FactoryOptions;
  const nums = args as number[];
  if (nums.length < 1 || nums.length > 3 || nums.some((v) => typeof v !== 'number')) {
    throw usageError('arange takes (stop), (start, stop) or (start, stop, step) numbers, then an optional options object');
  }
  const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step)) throw usageError(`arange needs finite start, stop and step, got ${start}, ${stop}, ${step}`);
  if (step === 0) throw usageError('arange step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = nums.every(Number.isInteger) ? 'int32' : 'float32';
  const { spec, comm } = librarySpec('arange', { kind: 'arange', gshape: [n], start, step }, opts, FACTORY_OPTIONS, dtype);
  return fillDeterministic(spec, comm);
}

/**
 * Heat's `linspace(start, stop, num=50, endpoint=True, dtype, split)`: `num` evenly
 * spaced values from start to stop (stop included unless `endpoint` is false).
 */
export function linspace(start: number, stop: number, num = 50, opts: FactoryOptions & { endpoint?: boolean } = {}): DNDarray {
  if (!Number.isSafeInteger(num) || num < 0) throw usageError(`linspace num must be a non-negative integer, got ${num}`);
  const { endpoint = true, ...rest } = opts;
  checkOptions(opts, [...FACTORY_OPTIONS, 'endpoint'], 'linspace');
  const last = endpoint || num === 0 ? stop : start + ((num - 1) * (stop - start)) / num;
  const { spec, comm } = librarySpec('linspace', { kind: 'linspace', gshape: [num], start, stop: last }, rest);
  return fillDeterministic(spec, comm);
}

/**
 * start, start + step, … over the global flat index of any shape, read row-major (what
 * `dnd create arange SHAPE` makes; Heat would write `arange(n).reshape(shape)`).
 */
export function arangeOver(shape: number | readonly number[], start: Scalar = 0, step: Scalar = 1, opts: FactoryOptions = {}): DNDarray {
  return simple('arange', 'arangeOver', shape, opts, { start, step });
}

/** numel(shape) evenly spaced values from start to stop inclusive, over any shape (`dnd create linspace`). */
export function linspaceOver(shape: number | readonly number[], start: number, stop: number, opts: FactoryOptions = {}): DNDarray {
  return simple('linspace', 'linspaceOver', shape, opts, { start, stop });
}

/**
 * Collective: a DNDarray whose rank p block is rank p's tensor, split along `split`
 * (blocks may differ along it, as Heat's is_split); or every rank's identical whole
 * array when split is null.
 */
export function fromTensor(t: Tensor, opts: { comm?: Comm; split?: Split } = {}): DNDarray {
  checkOptions(opts, ['comm', 'split'], 'fromTensor');
  const comm = commOf(opts);
  const { larray, dtype } = tensorBlock(t);
  const split = splitOf(opts.split);
  if (split === null) {
    return new DNDarray({ comm, dtype, gshape: t.shape, split: null, larray, lshape: t.shape, balanced: true });
  }
  return DNDarray.fromLocal(comm, larray, t.shape, dtype, split);
}

export interface ArrayOptions {
  /** the blocks are already split along this axis (Heat's is_split): used as they are */
  isSplit?: number | null;
  /** every rank passes the whole array; each keeps chunk()'s share along this axis */
  split?: Split;
  /** shape of the given data (default: 1-D, its length) */
  shape?: readonly number[];
  /**
   * how to read the data: default the typed array's own type; 'bool' for a Uint8Array of
   * 0/1; 'complex64' / 'complex128' for a Float32Array / Float64Array of interleaved
   * (re, im) parts (numpy's layout: 2 elements per item)
   */
  dtype?: Dtype;
  comm?: Comm;
}

/**
 * Heat's `array(obj, is_split=…, split=…)` for typed arrays; the dtype comes from the
 * array (Float64Array → float64, BigInt64Array → int64, …).
 *
 *     dnd.array(myRows, { isSplit: 0, shape: [myRows.length / 3, 3] });  // collective
 */
export function array(data: TypedArray, opts: ArrayOptions = {}): DNDarray {
  checkOptions(opts, ['isSplit', 'split', 'shape', 'dtype', 'comm'], 'array');
  const comm = commOf(opts);
  const own = dtypeOfArray(data);
  const dtype = opts.dtype ?? own;
  if (dtype !== own && !(dtype === 'bool' && own === 'uint8') && partDtype(dtype) !== own) throw usageError(`array: dtype ${dtype} does not match the data's ${own}`);
  const k = lanes(dtype);
  if (data.length % k !== 0) throw usageError(`array: ${dtype} data holds (re, im) pairs, but it has an odd number of elements (${data.length})`);
  const shape = opts.shape ? checkShape(opts.shape, 'array shape') : [data.length / k];
  if (numel(shape) * k !== data.length) throw usageError(`array: shape (${shape.join(', ')}) needs ${numel(shape) * k} elements of ${own}, the data has ${data.length}`);
  if (opts.isSplit !== undefined && opts.isSplit !== null && opts.split !== undefined && opts.split !== null) throw usageError('array: give split or isSplit, not both');
  if (opts.isSplit !== undefined && opts.isSplit !== null) {
    const axis = checkSplit(opts.isSplit, shape.length);
    if (axis === null) return new DNDarray({ comm, dtype, gshape: shape, split: null, larray: data, lshape: shape, balanced: true });
    return DNDarray.fromLocal(comm, data, shape, dtype, axis);
  }
  const split = checkSplit(splitOf(opts.split), shape.length);
  if (split === null) return new DNDarray({ comm, dtype, gshape: shape, split: null, larray: data, lshape: shape, balanced: true });
  const b = blockFor({ gshape: shape, split, dtype, counts: null }, comm, { reuse: true });
  for (const run of localRuns(b)) (b.larray as Float64Array).set((data as Float64Array).subarray(run.global * k, (run.global + run.length) * k), run.local * k);
  return arrayOf(b);
}
