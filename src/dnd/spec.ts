/**
 * The one validator of a factory array: what `dnd create KIND SHAPE …`, a generator
 * source (`randn:7,4,3`) and the library's factories ask for. Every option is checked
 * here once, with the caller's own name for it (`--value` on the command line, `value`
 * in a script), and the defaults are filled in here once. The launcher calls it before
 * any rank starts (bad input is exit 2 there); the ranks build from the checked spec.
 */
import { isComplex, isFloat, type Dtype } from './dtypes.js';
import { usageError } from './errors.js';
import { normalizeSplit, numel, validateCounts, type Split } from './layout.js';
import { checkFillValue, checkScalar, INT_RANGE, isIntegral, toBig, toNum, type FillValue, type Scalar } from './scalar.js';

export const FACTORY_KINDS = ['zeros', 'ones', 'full', 'empty', 'arange', 'linspace', 'eye', 'rand', 'randn', 'randint'] as const;
export type FactoryKind = (typeof FACTORY_KINDS)[number];

/** A checked factory array: shape, type, layout and the kind's own values. */
export interface FactorySpec {
  kind: FactoryKind;
  gshape: number[];
  dtype: Dtype;
  split: Split;
  /** rows of the split axis per rank (an unbalanced layout on purpose), or chunk()'s */
  counts: number[] | null;
  /** random kinds: the generator's seed, 0..2^64-1 */
  seed: number | bigint;
  /** full: a [re, im] pair for a complex dtype (a real value has imaginary part 0) */
  value?: FillValue;
  /** arange, linspace */
  start?: Scalar;
  /** arange */
  step?: Scalar;
  /** linspace */
  stop?: Scalar;
  /** randint: [low, high) */
  low?: Scalar;
  high?: Scalar;
}

export type FactoryInput = Partial<FactorySpec> & { kind: FactoryKind; gshape: readonly number[] };

type Option = 'value' | 'start' | 'step' | 'stop' | 'low' | 'high' | 'counts' | 'split' | 'dtype' | 'seed';

/** How the caller spells each option in messages. */
export type OptionNames = Record<Option, string>;

export const LIBRARY_NAMES: OptionNames = { value: 'value', start: 'start', step: 'step', stop: 'stop', low: 'low', high: 'high', counts: 'counts', split: 'split', dtype: 'dtype', seed: 'seed' };

export const CLI_NAMES: OptionNames = { value: '--value', start: '--start', step: '--step', stop: '--stop', low: '--low', high: '--high', counts: '--counts', split: '--split', dtype: '--dtype', seed: '--seed' };

/** The options each kind takes beyond shape, dtype, split and counts. */
const KIND_OPTIONS: Record<FactoryKind, readonly Option[]> = {
  zeros: [],
  ones: [],
  empty: [],
  eye: [],
  full: ['value'],
  arange: ['start', 'step'],
  linspace: ['start', 'stop'],
  rand: ['seed'],
  randn: ['seed'],
  randint: ['seed', 'low', 'high'],
};

/** The kinds that can make complex64/complex128 arrays. */
export const COMPLEX_KINDS: readonly FactoryKind[] = ['zeros', 'ones', 'empty', 'full', 'eye'];

/** The dtype a kind makes when none is asked for: int64 for randint (as numpy), else float32. */
export function defaultDtype(kind: FactoryKind): Dtype {
  return kind === 'randint' ? 'int64' : 'float32';
}

/** randint's bounds when none are given: [0, 10). */
export const RANDINT_DEFAULTS = { low: 0, high: 10 } as const;

/** Checks a shape: non-negative integers. */
export function checkShape(gshape: readonly number[], what = 'shape'): number[] {
  gshape.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 0) throw usageError(`${what}[${i}] = ${d}: extents must be non-negative integers`);
  });
  return [...gshape];
}

/**
 * The split of an array of `ndim` axes: negative axes count from the end; a 0-d array is
 * never split (Heat's sanitize_axis), whatever was asked.
 */
export function checkSplit(split: Split, ndim: number): Split {
  return normalizeSplit(split, ndim);
}

/** Rows per rank along the split axis: one non-negative count per rank, summing to the extent. */
export function checkCounts(counts: readonly number[], gshape: readonly number[], split: Split, size: number, what = 'counts'): number[] {
  if (split === null) throw usageError(`${what} needs a split axis, but the split is none`);
  validateCounts(counts, gshape[split], size, what);
  return [...counts];
}

/** The random seed: an integer 0..2^64-1 (a BigInt beyond 2^53). */
export function checkSeed(seed: number | bigint, what = 'seed'): bigint {
  const s = typeof seed === 'bigint' ? seed : Number.isSafeInteger(seed) ? BigInt(seed) : -1n;
  if (s < 0n || s >= 1n << 64n) throw usageError(`${what} must be an integer in 0..2^64-1, got ${seed}`);
  return s;
}

/** Checks randint's bounds for a dtype: integers, low < high, within the dtype. */
export function checkRandintBounds(low: Scalar, high: Scalar, dtype: Dtype, names: Pick<OptionNames, 'low' | 'high' | 'dtype'> = LIBRARY_NAMES): void {
  if (!isIntegral(low) || !isIntegral(high)) throw usageError(`randint needs integer ${names.low} and ${names.high}, got ${low} and ${high}`);
  if (toBig(high) <= toBig(low)) throw usageError(`randint needs ${names.low} < ${names.high}, got ${low} and ${high}`);
  if (isFloat(dtype)) throw usageError(`randint makes integers: ${names.dtype} must be an integer type, got ${dtype}`);
  try {
    checkScalar(low, dtype, 'low');
    checkScalar(toBig(high) - 1n, dtype, 'high - 1');
  } catch {
    const [lo, hi] = INT_RANGE[dtype] ?? ['?', '?'];
    throw usageError(`randint range [${low}, ${high}) does not fit ${names.dtype} ${dtype} (${lo}..${hi}): use an integer dtype whose range holds it`);
  }
  // the kernel draws in double precision: bounds beyond 2^53 would not be exact
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (toBig(low) < -limit || toBig(high) > limit) throw usageError(`randint bounds must lie within ±2^53 (${limit}), got ${low} and ${high}`);
}

/** Checks arange's start and step for n elements: finite, and every value fits the dtype. */
export function checkArange(start: Scalar, step: Scalar, n: number, dtype: Dtype, names: Pick<OptionNames, 'start' | 'step'> = LIBRARY_NAMES): void {
  if (typeof start === 'number' && !Number.isFinite(start)) throw usageError(`arange needs a finite ${names.start}, got ${start}`);
  if (typeof step === 'number' && !Number.isFinite(step)) throw usageError(`arange needs a finite ${names.step}, got ${step}`);
  if (n === 0) return;
  checkScalar(start, dtype, `arange ${names.start}`);
  const end = isIntegral(start) && isIntegral(step) ? toBig(start) + BigInt(n - 1) * toBig(step) : toNum(start) + (n - 1) * toNum(step);
  checkScalar(end, dtype, 'arange end value');
  if (!isFloat(dtype) && !isIntegral(step)) throw usageError(`arange ${names.step} ${step} is not an integer, as ${dtype} needs`);
}

/** Checks linspace's ends: finite numbers. */
export function checkLinspace(start: Scalar, stop: Scalar, dtype: Dtype, names: Pick<OptionNames, 'start' | 'stop'> = LIBRARY_NAMES): void {
  for (const [v, name] of [[start, names.start], [stop, names.stop]] as const) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw usageError(`linspace needs a finite ${name}, got ${v}`);
    checkScalar(v, dtype, `linspace ${name}`);
  }
}

/**
 * Checks everything about a factory array and fills in the defaults. `size` is the
 * number of ranks (for counts). Options the kind does not take are errors, never
 * silently ignored.
 */
export function checkFactorySpec(input: FactoryInput, size: number, names: OptionNames = LIBRARY_NAMES): FactorySpec {
  const { kind } = input;
  if (!(FACTORY_KINDS as readonly string[]).includes(kind)) throw usageError(`unknown kind '${kind}': expected one of ${FACTORY_KINDS.join(', ')}`);
  const takes = KIND_OPTIONS[kind];
  const foreign = (['value', 'start', 'step', 'stop', 'low', 'high'] as const).filter((o) => input[o] !== undefined && !takes.includes(o));
  if (foreign.length) throw usageError(`${foreign.map((o) => names[o]).join(', ')} does not apply to ${kind}`);
  const gshape = checkShape(input.gshape);
  const split = checkSplit(input.split === undefined ? 0 : input.split, gshape.length);
  const dtype = input.dtype ?? defaultDtype(kind);
  const counts = input.counts ? checkCounts(input.counts, gshape, split, size, names.counts) : null;
  const seed = input.seed ?? 0;
  checkSeed(seed, names.seed);
  const spec: FactorySpec = { kind, gshape, dtype, split, counts, seed };
  // complex arrays: filled (zeros, ones, empty, full, eye), never ranged or drawn, since
  // numpy's ranges and generators give complex no meaning worth guessing here
  if (isComplex(dtype) && !COMPLEX_KINDS.includes(kind)) {
    throw usageError(`${kind} cannot make ${dtype}: complex arrays come from ${COMPLEX_KINDS.join(', ')}, or from a file`);
  }
  switch (kind) {
    case 'rand':
    case 'randn':
      if (!isFloat(dtype)) throw usageError(`${kind} makes floating-point values: ${names.dtype} must be float32 or float64, got ${dtype}`);
      break;
    case 'full':
      if (input.value === undefined) throw usageError(`full needs ${names.value} (the fill value)`);
      checkFillValue(input.value, dtype, names.value);
      spec.value = input.value;
      break;
    case 'randint':
      spec.low = input.low ?? RANDINT_DEFAULTS.low;
      spec.high = input.high ?? RANDINT_DEFAULTS.high;
      checkRandintBounds(spec.low, spec.high, dtype, names);
      break;
    case 'arange':
      spec.start = input.start ?? 0;
      spec.step = input.step ?? 1;
      checkArange(spec.start, spec.step, numel(gshape), dtype, names);
      break;
    case 'linspace':
      spec.start = input.start ?? 0;
      spec.stop = input.stop ?? 1;
      checkLinspace(spec.start, spec.stop, dtype, names);
      break;
    case 'eye':
      if (gshape.length !== 2) throw usageError(`eye needs a 2-D shape (rows,cols), got ${gshape.length}-D ${gshape.join(',') || '()'}`);
      break;
  }
  return spec;
}
