/**
 * Counter-based random arrays (Philox4x32-10 in the native kernel).
 *
 * Element e of a draw depends only on (seed, stream position + e), where e is the
 * element's global flat index. So the same seed gives bit-identical global arrays for
 * any number of ranks and any split, for every draw: each draw advances the stream by
 * the global element count (rounded up to a whole Philox block), on every rank alike,
 * without communication — as Heat's counter-based generator does.
 */
import { loadNative } from '../native/index.js';
import { DNDarray } from './dndarray.js';
import { dtypeRange, isFloat, type Dtype } from './dtypes.js';
import { usageError } from './errors.js';
import { numel, type Shape } from './layout.js';
import { arrayOf, blockFor, localRuns, type FactoryOptions } from './factories.js';

const KIND = { uniform: 0, normal: 1, integer: 2 } as const;

/** The generator state: the seed and how far into its stream the draws have gone. */
export class RandomState {
  seed: bigint;
  position: bigint;
  constructor(seed: number | bigint = 0) {
    this.seed = RandomState.checkSeed(seed);
    this.position = 0n;
  }
  static checkSeed(seed: number | bigint): bigint {
    const s = typeof seed === 'bigint' ? seed : Number.isSafeInteger(seed) ? BigInt(seed) : -1n;
    if (s < 0n || s >= 1n << 64n) throw usageError(`seed must be an integer in 0..2^64-1, got ${seed}`);
    return s;
  }
  /** Reserves `count` elements of the stream and returns where they start. */
  take(count: number): bigint {
    const start = this.position;
    this.position += BigInt(count + (count % 2)); // whole Philox blocks (two elements each)
    return start;
  }
}

/** The process-wide state, as in Heat's `ht.random.seed()`. */
export const defaultState = new RandomState(0);

/** Restarts the default stream at `seed`. */
export function seed(value: number | bigint): void {
  defaultState.seed = RandomState.checkSeed(value);
  defaultState.position = 0n;
}

export interface RandomOptions extends FactoryOptions {
  /** use (and advance) this state instead of the default one */
  state?: RandomState;
}

function draw(kind: 0 | 1 | 2, gshape: Shape, opts: RandomOptions, low: number, high: number, dtype: Dtype): DNDarray {
  const state = opts.state ?? defaultState;
  const b = blockFor(gshape, opts, dtype);
  const start = state.take(numel(b.gs));
  const native = loadNative();
  for (const run of localRuns(b)) {
    native.philoxFill(b.larray.subarray(run.local, run.local + run.length), kind, state.seed, start + BigInt(run.global), low, high);
  }
  return arrayOf(b);
}

function floatDtype(dtype: Dtype | undefined, what: string): Dtype {
  const d = dtype ?? 'float32';
  if (!isFloat(d)) throw usageError(`${what} makes floating-point values: dtype must be float32 or float64, got ${d}`);
  return d;
}

/** Samples of N(0, 1). */
export function randn(gshape: Shape, opts: RandomOptions = {}): DNDarray {
  return draw(KIND.normal, gshape, opts, 0, 0, floatDtype(opts.dtype, 'randn'));
}

/** Samples of U[0, 1). */
export function rand(gshape: Shape, opts: RandomOptions = {}): DNDarray {
  return draw(KIND.uniform, gshape, opts, 0, 0, floatDtype(opts.dtype, 'rand'));
}

/** Integers uniform in [low, high). Default dtype int64, as in Heat. */
export function randint(low: number, high: number, gshape: Shape, opts: RandomOptions = {}): DNDarray {
  const dtype = opts.dtype ?? 'int64';
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) throw usageError(`randint bounds must be integers, got low=${low} high=${high}`);
  if (high <= low) throw usageError(`randint needs low < high, got low=${low} high=${high}`);
  const [min, max] = dtypeRange(dtype);
  if (low < min || high - 1 > max) throw usageError(`randint range [${low}, ${high}) does not fit ${dtype} (${min}..${max})`);
  return draw(KIND.integer, gshape, { ...opts, dtype }, low, high, dtype);
}
