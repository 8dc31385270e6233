/**
 * Counter-based random arrays (Philox4x32-10 in the native kernel), as Heat's
 * `ht.random`: `randn`, `rand`, `randint`, `normal`, `seed`, `getState`, `setState`.
 *
 * Element e of a draw depends only on (seed, stream position + e), where e is the
 * element's global flat index. So the same seed gives bit-identical global arrays for
 * any number of ranks and any split, for every draw: each draw advances the stream by
 * the global element count (rounded up to a whole Philox block), on every rank alike,
 * without communication — as Heat's counter-based generator does.
 *
 * Shapes as Heat takes them: `randn(7, 4, 3, {split: 0})` or `randn([7, 4, 3], {split: 0})`.
 */
import { loadNative } from '../native/index.js';
import { arrayOf, blockFor, localRuns } from './block.js';
import type { Comm } from './comm.js';
import type { DNDarray } from './dndarray.js';
import { usageError } from './errors.js';
import { numel } from './layout.js';
import { pieceBytes, workDone } from './pieces.js';
import { FACTORY_OPTIONS, librarySpec, type FactoryOptions } from './factories.js';
import { toNum, type Scalar } from './scalar.js';
import { checkSeed, type FactorySpec } from './spec.js';

const KIND = { uniform: 0, normal: 1, integer: 2 } as const;

/** The generator state: the seed and how far into its stream the draws have gone. */
export class RandomState {
  seed: bigint;
  position: bigint;
  constructor(seed: number | bigint = 0) {
    this.seed = checkSeed(seed);
    this.position = 0n;
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

/** Heat's `seed(x)`: restarts the default stream at `x` (0..2^64-1). */
export function seed(value: number | bigint = 0): void {
  defaultState.seed = checkSeed(value);
  defaultState.position = 0n;
}

/** Heat's `get_state()`: the generator's name, seed and counter (and two unused fields, as Heat). */
export function getState(): ['Philox', bigint, bigint, 0, 0.0] {
  return ['Philox', defaultState.seed, defaultState.position, 0, 0.0];
}

/** Heat's `set_state(state)`: a tuple from getState(); the stream goes on from its counter. */
export function setState(state: readonly [string, number | bigint, number | bigint, ...unknown[]]): void {
  if (!Array.isArray(state) || state.length < 3) throw usageError('setState takes the tuple getState() returns: [name, seed, counter, …]');
  if (state[0] !== 'Philox') throw usageError(`setState: dnd's generator is Philox, got '${state[0]}'`);
  const position = typeof state[2] === 'bigint' ? state[2] : Number.isSafeInteger(state[2]) && state[2] >= 0 ? BigInt(state[2]) : -1n;
  if (position < 0n) throw usageError(`setState: the counter must be a non-negative integer, got ${state[2]}`);
  defaultState.seed = checkSeed(state[1]);
  defaultState.position = position;
}

export interface RandomOptions extends FactoryOptions {
  /** use (and advance) this state instead of the default one */
  state?: RandomState;
}

const RANDOM_OPTIONS = [...FACTORY_OPTIONS, 'state'] as const;

/** Draws a checked random spec from `state` (the command line's way in, and the library's). */
export function drawSpec(spec: FactorySpec, comm: Comm, state: RandomState): DNDarray {
  const b = blockFor(spec, comm, { reuse: true }); // every element is drawn
  const start = state.take(numel(spec.gshape));
  const kind = spec.kind === 'randn' ? KIND.normal : spec.kind === 'rand' ? KIND.uniform : KIND.integer;
  const low = spec.kind === 'randint' ? toNum(spec.low as Scalar) : 0;
  const high = spec.kind === 'randint' ? toNum(spec.high as Scalar) : 0;
  const native = loadNative();
  // in pieces only when someone watches (pieces.ts): Philox is counter-based, so a piece
  // that starts at element i draws exactly what one call would have drawn there
  const bpe = b.larray.BYTES_PER_ELEMENT;
  const step = pieceBytes() > 0 ? Math.max(1, Math.floor(pieceBytes() / bpe)) : Infinity;
  let done = 0;
  for (const run of localRuns(b)) {
    for (let o = 0; o < run.length; o += step) {
      const n = Math.min(step, run.length - o);
      native.philoxFill(b.larray.subarray(run.local + o, run.local + o + n), kind, state.seed, start + BigInt(run.global + o), low, high);
      done += n * bpe;
      if (step !== Infinity) workDone(done, b.larray.byteLength);
    }
  }
  return arrayOf(b);
}

type ShapeArgs = (number | readonly number[] | RandomOptions | undefined)[];

/** `(7, 4, 3, opts)` or `([7, 4, 3], opts)` → shape and options. */
function shapeAndOptions(args: ShapeArgs, fn: string): { shape: number[]; opts: RandomOptions } {
  const last = args[args.length - 1];
  const opts = (last !== undefined && typeof last === 'object' && !Array.isArray(last) ? args.pop() : (args.length && last === undefined ? (args.pop(), {}) : {})) as RandomOptions;
  if (args.length === 1 && Array.isArray(args[0])) return { shape: [...(args[0] as number[])], opts };
  if (args.every((a) => typeof a === 'number')) return { shape: args as number[], opts };
  throw usageError(`${fn} takes a shape as numbers (7, 4, 3) or one array ([7, 4, 3]), then an optional options object`);
}

function drawLibrary(fn: string, kind: 'rand' | 'randn' | 'randint', shape: number[], opts: RandomOptions, extra: { low?: Scalar; high?: Scalar } = {}): DNDarray {
  const { state, ...rest } = opts;
  if (state !== undefined && !(state instanceof RandomState)) throw usageError(`${fn}: state must be a RandomState`);
  const { spec, comm } = librarySpec(fn, { kind, gshape: shape, ...extra }, rest as FactoryOptions, RANDOM_OPTIONS);
  return drawSpec(spec, comm, state ?? defaultState);
}

/** Heat's `randn(d0, d1, …, dtype, split)`: samples of N(0, 1). */
export function randn(...args: ShapeArgs): DNDarray {
  const { shape, opts } = shapeAndOptions(args, 'randn');
  return drawLibrary('randn', 'randn', shape, opts);
}

/** Heat's `rand(d0, d1, …, dtype, split)`: samples of U[0, 1). */
export function rand(...args: ShapeArgs): DNDarray {
  const { shape, opts } = shapeAndOptions(args, 'rand');
  return drawLibrary('rand', 'rand', shape, opts);
}

/**
 * Heat's `randint(low, high=None, size=None, dtype, split)`: integers uniform in
 * [low, high); with one bound, [0, low). Default dtype int64, as in Heat.
 */
export function randint(low: number, high?: number | null, size?: number | readonly number[], opts: RandomOptions = {}): DNDarray {
  const [lo, hi] = high === undefined || high === null ? [0, low] : [low, high];
  const shape = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
  return drawLibrary('randint', 'randint', shape, opts, { low: lo, high: hi });
}

/** Heat's `normal(mean, std, shape, dtype, split)`: samples of N(mean, std²). */
export function normal(mean = 0, std = 1, shape: number | readonly number[] = [], opts: RandomOptions = {}): DNDarray {
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) throw usageError(`normal needs a finite mean and a finite std ≥ 0, got ${mean} and ${std}`);
  const x = drawLibrary('normal', 'randn', typeof shape === 'number' ? [shape] : [...shape], opts);
  const l = x.larray as Float32Array | Float64Array;
  for (let i = 0; i < l.length; i++) l[i] = mean + std * l[i];
  return x;
}
